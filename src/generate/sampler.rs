//! The samplers built from a scenario's distributions ([`Dist`]). Sampling
//! goes through `rand_distr`; the only sampling done here is the inverse CDF
//! of an `Empirical` table. Every draw is rounded to the nearest whole unit.

use std::fmt;

use rand::distr::weighted::WeightedIndex;
use rand::distr::{Distribution, Uniform};
use rand::{Rng, RngExt as _};
use rand_distr::{Exp, LogNormal, Normal, Pareto, Weibull};

use crate::model::dist::{Dist, Quantity, empirical_problems};
use crate::model::duration::MAX_MS;

impl<Q: Quantity> Dist<Q> {
    /// The sampler for this distribution; fails only on parameters that
    /// [`Dist::problems`] reports.
    pub fn sampler(&self) -> Result<Sampler, String> {
        let cap = |c: &Option<Q>| c.map_or(Q::MAX_UNITS, Q::units);
        let bad = |e: &dyn fmt::Display| e.to_string();
        let kind = match self {
            Dist::Constant(v) => Kind::Constant(v.units()),
            Dist::Uniform { min, max } if min == max => Kind::Constant(min.units()),
            Dist::Uniform { min, max } => {
                if min > max {
                    return Err(format!("max ({max}) is less than min ({min})"));
                }
                // Half a unit either side, so that rounding makes each whole
                // value from min to max equally likely.
                let uniform =
                    Uniform::new(min.units() - 0.5, max.units() + 0.5).map_err(|e| bad(&e))?;
                return Ok(Sampler {
                    kind: Kind::Uniform(uniform),
                    floor: min.units(),
                    cap: max.units(),
                });
            }
            Dist::Normal { mean, sd, cap: c } => {
                let normal = Normal::new(mean.units(), sd.units()).map_err(|e| bad(&e))?;
                return Ok(Sampler {
                    kind: Kind::Normal(normal),
                    floor: 0.0,
                    cap: cap(c),
                });
            }
            Dist::LogNormal {
                median,
                sigma,
                cap: c,
            } => {
                if median.units() <= 0.0 {
                    return Err("median must be more than 0".into());
                }
                let log_normal =
                    LogNormal::new(median.units().ln(), sigma.0).map_err(|e| bad(&e))?;
                return Ok(Sampler::with_cap(Kind::LogNormal(log_normal), cap(c)));
            }
            Dist::Exponential { mean, cap: c } => {
                if mean.units() <= 0.0 {
                    return Err("mean must be more than 0".into());
                }
                let exp = Exp::new(1.0 / mean.units()).map_err(|e| bad(&e))?;
                return Ok(Sampler::with_cap(Kind::Exponential(exp), cap(c)));
            }
            Dist::Pareto {
                scale,
                alpha,
                cap: c,
            } => {
                let pareto = Pareto::new(scale.units(), alpha.0).map_err(|e| bad(&e))?;
                return Ok(Sampler::with_cap(Kind::Pareto(pareto), cap(c)));
            }
            Dist::Weibull {
                scale,
                shape,
                cap: c,
            } => {
                let weibull = Weibull::new(scale.units(), shape.0).map_err(|e| bad(&e))?;
                return Ok(Sampler::with_cap(Kind::Weibull(weibull), cap(c)));
            }
            Dist::Empirical { quantiles } => {
                let mut problems = Vec::new();
                empirical_problems(quantiles, &mut |_, m| problems.push(m));
                if let Some(first) = problems.into_iter().next() {
                    return Err(first);
                }
                let points = quantiles.iter().map(|(p, v)| (p.0, v.units())).collect();
                Kind::Empirical(points)
            }
            Dist::Mixture(parts) => {
                let choose =
                    WeightedIndex::new(parts.iter().map(|(w, _)| w.0)).map_err(|e| bad(&e))?;
                let samplers = parts
                    .iter()
                    .map(|(_, part)| part.sampler())
                    .collect::<Result<Vec<_>, _>>()?;
                Kind::Mixture(choose, samplers.into_boxed_slice())
            }
        };
        Ok(Sampler::with_cap(kind, Q::MAX_UNITS))
    }
}

/// A distribution ready to draw from: no allocation, no validation per draw.
#[derive(Clone, Debug)]
pub struct Sampler {
    kind: Kind,
    /// Draws below it are drawn again (only the truncated normal uses it).
    floor: f64,
    /// Draws above it become it.
    cap: f64,
}

#[derive(Clone, Debug)]
enum Kind {
    Constant(f64),
    Uniform(Uniform<f64>),
    Normal(Normal<f64>),
    LogNormal(LogNormal<f64>),
    Exponential(Exp<f64>),
    Pareto(Pareto<f64>),
    Weibull(Weibull<f64>),
    /// (cumulative probability, value) points.
    Empirical(Box<[(f64, f64)]>),
    Mixture(WeightedIndex<f64>, Box<[Sampler]>),
}

impl Sampler {
    fn with_cap(kind: Kind, cap: f64) -> Sampler {
        Sampler {
            kind,
            floor: f64::NEG_INFINITY,
            cap,
        }
    }

    /// A real-valued draw, capped. Inlined into every call site, with its
    /// `match`: each site's branch on the kind then sees one kind (a think
    /// time, a scroll gap) and is predicted, where one shared branch over
    /// every kind was mispredicted about once a draw (callgrind's branch
    /// simulation; generation is most of a replicate's time).
    #[inline(always)]
    fn draw<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let x = match &self.kind {
            Kind::Mixture(choose, parts) => parts[choose.sample(rng)].draw_part(rng),
            _ => self.draw_simple(rng),
        };
        x.min(self.cap)
    }

    /// A part of a mixture: inlined too, unless it is a mixture itself.
    #[inline(always)]
    fn draw_part<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match &self.kind {
            Kind::Mixture(..) => self.draw_nested(rng),
            _ => self.draw_simple(rng).min(self.cap),
        }
    }

    /// A mixture within a mixture (rare): an ordinary call, which also ends
    /// the inlining of a recursive draw.
    #[inline(never)]
    fn draw_nested<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.draw(rng)
    }

    /// A draw of any kind but a mixture, not capped.
    #[inline(always)]
    fn draw_simple<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match &self.kind {
            Kind::Constant(v) => *v,
            Kind::Uniform(d) => d.sample(rng),
            Kind::Normal(d) => {
                // Truncated at `floor` (0): with a mean of at least 0 (durations and
                // counts cannot be negative), at least half the draws are kept.
                let mut x = d.sample(rng);
                while x < self.floor {
                    x = d.sample(rng);
                }
                x
            }
            Kind::LogNormal(d) => d.sample(rng),
            Kind::Exponential(d) => d.sample(rng),
            Kind::Pareto(d) => d.sample(rng),
            Kind::Weibull(d) => d.sample(rng),
            Kind::Empirical(points) => inverse_cdf(points, rng.random()),
            Kind::Mixture(..) => self.draw_nested(rng),
        }
    }

    /// A draw rounded to the nearest whole unit (milliseconds or items), never
    /// negative and never above the quantity's limit.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> u64 {
        // Rounds half up: `as` truncates toward zero, which is the floor for
        // the non-negative values, and saturates: NaN and negatives become 0,
        // huge values u64::MAX. (Cheaper than `f64::floor`, a libm call on
        // baseline x86-64.)
        ((self.draw(rng) + 0.5) as u64).min(MAX_MS)
    }
}

/// The value at cumulative probability `u` in [0, 1), interpolating linearly.
fn inverse_cdf(points: &[(f64, f64)], u: f64) -> f64 {
    // The first point whose probability is above u; points[0].0 is 0.0 <= u.
    let next = points
        .partition_point(|&(p, _)| p <= u)
        .clamp(1, points.len() - 1);
    let (p0, v0) = points[next - 1];
    let (p1, v1) = points[next];
    v0 + (u - p0) / (p1 - p0) * (v1 - v0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Dur;
    use crate::model::dist::Count;
    use rand::SeedableRng;
    use rand::rngs::Xoshiro256PlusPlus;

    #[test]
    fn every_kind_has_a_sampler() {
        let cases = [
            r#"Constant("5s")"#,
            r#"Uniform(min: "1s", max: "5s")"#,
            r#"Normal(mean: "9h", sd: "30m")"#,
            r#"LogNormal(median: "20s", sigma: 1)"#,
            r#"Exponential(mean: "7s", cap: "70s")"#,
            r#"Pareto(scale: "30s", alpha: 1.5, cap: "2h")"#,
            r#"Weibull(scale: "2m", shape: 0.7)"#,
            r#"Empirical(quantiles: [(0.0, "1s"), (0.5, "40s"), (0.9, "12m"), (1.0, "2h")])"#,
            r#"Mixture([(0.8, Exponential(mean: "7s")), (0.2, Pareto(scale: "30s", alpha: 1.5))])"#,
        ];
        for text in cases {
            let d: Dist<Dur> = crate::model::scenario::ron_options()
                .from_str(text)
                .unwrap_or_else(|e| panic!("{text}: {e}"));
            assert!(d.sampler().is_ok(), "{text}");
        }
    }

    #[test]
    fn inverse_cdf_interpolates_between_points() {
        let points = [(0.0, 1000.0), (0.5, 40_000.0), (1.0, 40_000.0)];
        assert_eq!(inverse_cdf(&points, 0.0), 1000.0);
        assert_eq!(inverse_cdf(&points, 0.25), 20_500.0);
        assert_eq!(inverse_cdf(&points, 0.75), 40_000.0);
        assert!(inverse_cdf(&points, 0.999_999) <= 40_000.0);
    }

    #[test]
    fn uniform_counts_are_equally_likely_including_the_ends() {
        let d: Dist<Count> = crate::model::scenario::ron_options()
            .from_str("Uniform(min: 0, max: 3)")
            .expect("parses");
        let s = d.sampler().expect("valid");
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        let mut seen = [0u32; 4];
        let n = 100_000;
        for _ in 0..n {
            seen[s.sample(&mut rng) as usize] += 1;
        }
        for count in seen {
            let share = f64::from(count) / f64::from(n);
            assert!((share - 0.25).abs() < 0.01, "{seen:?}");
        }
    }
}
