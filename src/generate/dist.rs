//! Distributions as written in scenario files, and the samplers built from them.
//!
//! A distribution is over a whole-number quantity: a duration in milliseconds
//! ([`Dur`], written `"7s"`) or a count ([`Count`], written `12`). Sampling goes
//! through `rand_distr`; the only sampling done here is the inverse CDF of an
//! `Empirical` table. Every draw is rounded to the nearest whole unit.

use std::fmt;
use std::hash::{Hash, Hasher};

use rand::distr::weighted::WeightedIndex;
use rand::distr::{Distribution, Uniform};
use rand::{Rng, RngExt as _};
use rand_distr::{Exp, LogNormal, Normal, Pareto, Weibull};
use serde::{Deserialize, Serialize};

use crate::model::Dur;
use crate::model::duration::MAX_MS;
use crate::model::locate::{FieldPath, Seg};

/// A real-valued parameter (a weight, a probability, a shape). Compared and
/// hashed by its bits so that scenarios stay `Eq + Hash`; validation refuses NaN.
#[derive(Clone, Copy, Debug, PartialOrd, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Real(pub f64);

impl PartialEq for Real {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_bits() == other.0.to_bits()
    }
}
impl Eq for Real {}
impl Hash for Real {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.to_bits().hash(state);
    }
}
impl fmt::Display for Real {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// How many of something: edits in a form, pages in a visit.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Count(pub u32);

impl fmt::Display for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A whole-number quantity a distribution can be over.
pub trait Quantity: Copy + fmt::Display + PartialEq + PartialOrd {
    /// The value in whole units (milliseconds for durations).
    fn units(self) -> f64;
    /// The largest value a draw may take.
    const MAX_UNITS: f64;
}

impl Quantity for Dur {
    fn units(self) -> f64 {
        self.0 as f64
    }
    const MAX_UNITS: f64 = MAX_MS as f64;
}

impl Quantity for Count {
    fn units(self) -> f64 {
        f64::from(self.0)
    }
    const MAX_UNITS: f64 = u32::MAX as f64;
}

/// A distribution as written in a scenario file. `cap` clamps draws to at most
/// that value (TPC-W's think time: `Exponential(mean: "7s", cap: "70s")`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Dist<Q> {
    /// Always this value.
    Constant(Q),
    /// Every whole unit from `min` to `max` (both included) equally likely.
    Uniform { min: Q, max: Q },
    /// Normal, truncated at 0: negative draws are drawn again.
    Normal {
        mean: Q,
        sd: Q,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cap: Option<Q>,
    },
    /// Log-normal with this median (`e^mu`) and log-space standard deviation.
    LogNormal {
        median: Q,
        sigma: Real,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cap: Option<Q>,
    },
    /// Exponential (memoryless) with this mean.
    Exponential {
        mean: Q,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cap: Option<Q>,
    },
    /// Pareto: never below `scale`, tail `P(X > x) = (scale / x)^alpha`.
    Pareto {
        scale: Q,
        alpha: Real,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cap: Option<Q>,
    },
    /// Weibull: `P(X > x) = exp(-(x / scale)^shape)`.
    Weibull {
        scale: Q,
        shape: Real,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cap: Option<Q>,
    },
    /// (cumulative probability, value) points from 0.0 to 1.0, sampled by
    /// inverse CDF with linear interpolation between points.
    Empirical { quantiles: Vec<(Real, Q)> },
    /// One of the parts, chosen by weight, e.g. quick clicks with a heavy tail:
    /// `Mixture([(0.8, Exponential(mean: "7s")), (0.2, Pareto(scale: "30s", alpha: 1.5))])`.
    Mixture(Vec<(Real, Dist<Q>)>),
}

/// Why a distribution cannot be sampled, with the field (relative to the
/// distribution) that is wrong.
pub type Problem = (FieldPath, String);

impl<Q: Quantity> Dist<Q> {
    /// Every invalid parameter, with its path relative to this distribution.
    pub fn problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        self.collect_problems(&mut Vec::new(), &mut out);
        out
    }

    fn collect_problems(&self, at: &mut FieldPath, out: &mut Vec<Problem>) {
        let mut push = |field: &'static str, message: String| {
            let mut path = at.clone();
            path.push(Seg::Field(field));
            out.push((path, message));
        };
        let positive = |push: &mut dyn FnMut(&'static str, String), field, v: Q| {
            if v.units() <= 0.0 {
                push(field, format!("{field} must be more than 0"));
            }
        };
        let finite_positive = |push: &mut dyn FnMut(&'static str, String), field, v: Real| {
            if !(v.0.is_finite() && v.0 > 0.0) {
                push(
                    field,
                    format!("{field} must be a number more than 0, found {v}"),
                );
            }
        };
        match self {
            Dist::Constant(_) | Dist::Normal { .. } => {}
            Dist::Uniform { min, max } => {
                if min > max {
                    push(
                        "max",
                        format!("max ({max}) must not be less than min ({min})"),
                    );
                }
            }
            Dist::LogNormal { median, sigma, .. } => {
                positive(&mut push, "median", *median);
                if !(sigma.0.is_finite() && sigma.0 >= 0.0) {
                    push(
                        "sigma",
                        format!("sigma must be a number of at least 0, found {sigma}"),
                    );
                }
            }
            Dist::Exponential { mean, .. } => positive(&mut push, "mean", *mean),
            Dist::Pareto { scale, alpha, .. } => {
                positive(&mut push, "scale", *scale);
                finite_positive(&mut push, "alpha", *alpha);
            }
            Dist::Weibull { scale, shape, .. } => {
                positive(&mut push, "scale", *scale);
                finite_positive(&mut push, "shape", *shape);
            }
            Dist::Empirical { quantiles } => empirical_problems(quantiles, &mut push),
            Dist::Mixture(parts) => {
                if parts.is_empty() {
                    out.push((at.clone(), "a Mixture needs at least one part".into()));
                }
                let mut total = 0.0;
                for (i, (weight, part)) in parts.iter().enumerate() {
                    at.push(Seg::Index(i));
                    if !(weight.0.is_finite() && weight.0 >= 0.0) {
                        let mut path = at.clone();
                        path.push(Seg::Index(0));
                        out.push((
                            path,
                            format!(
                                "a Mixture weight must be a number of at least 0, found {weight}"
                            ),
                        ));
                    } else {
                        total += weight.0;
                    }
                    at.push(Seg::Index(1));
                    part.collect_problems(at, out);
                    at.pop();
                    at.pop();
                }
                if !parts.is_empty() && total <= 0.0 {
                    out.push((
                        at.clone(),
                        "a Mixture needs a part with a weight more than 0".into(),
                    ));
                }
            }
        }
    }

    /// Whether every draw is 0 (a think time like that would never let time pass).
    pub fn always_zero(&self) -> bool {
        match self {
            Dist::Constant(v) => v.units() == 0.0,
            Dist::Uniform { max, .. } => max.units() == 0.0,
            Dist::Empirical { quantiles } => quantiles.iter().all(|(_, v)| v.units() == 0.0),
            Dist::Mixture(parts) => parts
                .iter()
                .all(|(w, part)| w.0 == 0.0 || part.always_zero()),
            Dist::Normal { cap, .. }
            | Dist::LogNormal { cap, .. }
            | Dist::Exponential { cap, .. }
            | Dist::Pareto { cap, .. }
            | Dist::Weibull { cap, .. } => cap.is_some_and(|c| c.units() == 0.0),
        }
    }

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

fn empirical_problems<Q: Quantity>(
    quantiles: &[(Real, Q)],
    push: &mut dyn FnMut(&'static str, String),
) {
    let syntax =
        "write it like Empirical(quantiles: [(0.0, \"1s\"), (0.5, \"40s\"), (1.0, \"2h\")])";
    if quantiles.len() < 2 {
        push(
            "quantiles",
            format!("an Empirical distribution needs at least two points; {syntax}"),
        );
        return;
    }
    let first = quantiles[0].0;
    let last = quantiles[quantiles.len() - 1].0;
    if first.0 != 0.0 || last.0 != 1.0 {
        push(
            "quantiles",
            format!(
                "Empirical probabilities must run from 0.0 to 1.0, found {first} to {last}; {syntax}"
            ),
        );
    }
    for pair in quantiles.windows(2) {
        let ((p, v), (q, w)) = (pair[0], pair[1]);
        // NaN compares as neither: it is refused too.
        if p.0.partial_cmp(&q.0) != Some(std::cmp::Ordering::Less) {
            push(
                "quantiles",
                format!("Empirical probabilities must increase strictly, found {p} then {q}"),
            );
        }
        if w < v {
            push(
                "quantiles",
                format!("Empirical values must not decrease, found {v} then {w}"),
            );
        }
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

    /// A real-valued draw, capped.
    fn draw<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let x = match &self.kind {
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
            Kind::Mixture(choose, parts) => parts[choose.sample(rng)].draw(rng),
        };
        x.min(self.cap)
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
    use rand::SeedableRng;
    use rand::rngs::Xoshiro256PlusPlus;

    fn parse(text: &str) -> Dist<Dur> {
        crate::model::scenario::ron_options()
            .from_str(text)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn reads_every_kind() {
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
            let d = parse(text);
            assert!(d.problems().is_empty(), "{text}: {:?}", d.problems());
            assert!(d.sampler().is_ok(), "{text}");
        }
        assert_eq!(
            parse(r#"Exponential(mean: "7s", cap: "70s")"#),
            Dist::Exponential {
                mean: Dur::secs(7),
                cap: Some(Dur::secs(70))
            }
        );
    }

    #[test]
    fn refuses_bad_parameters_naming_the_field() {
        let fields = |text: &str| -> Vec<(FieldPath, String)> { parse(text).problems() };
        let p = fields(r#"Uniform(min: "5s", max: "1s")"#);
        assert_eq!(p[0].0, [Seg::Field("max")]);
        let p = fields(r#"LogNormal(median: "0s", sigma: -1)"#);
        assert_eq!(p.len(), 2);
        assert_eq!(p[1].0, [Seg::Field("sigma")]);
        let p = fields(r#"Pareto(scale: "30s", alpha: 0)"#);
        assert_eq!(p[0].0, [Seg::Field("alpha")]);
        let p = fields(r#"Weibull(scale: "1s", shape: inf)"#);
        assert_eq!(p[0].0, [Seg::Field("shape")]);
        let p = fields(r#"Exponential(mean: "0s")"#);
        assert_eq!(p[0].0, [Seg::Field("mean")]);
        let p =
            fields(r#"Empirical(quantiles: [(0.1, "1s"), (0.5, "2s"), (0.5, "1s"), (1.0, "3s")])"#);
        let messages: Vec<&str> = p.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(messages[0].contains("from 0.0 to 1.0"));
        assert!(messages[1].contains("increase strictly"));
        assert!(messages[2].contains("must not decrease"));
        let p = fields(r#"Mixture([(1, Constant("1s")), (-1, Exponential(mean: "0s"))])"#);
        assert_eq!(
            p.iter().map(|(path, _)| path.clone()).collect::<Vec<_>>(),
            [
                vec![Seg::Index(1), Seg::Index(0)],
                vec![Seg::Index(1), Seg::Index(1), Seg::Field("mean")]
            ]
        );
        let p = fields(r#"Mixture([(0, Constant("1s"))])"#);
        assert!(p[0].1.contains("weight more than 0"), "{p:?}");
    }

    #[test]
    fn knows_when_every_draw_is_zero() {
        assert!(parse(r#"Constant("0s")"#).always_zero());
        assert!(parse(r#"Exponential(mean: "1s", cap: "0s")"#).always_zero());
        assert!(!parse(r#"Uniform(min: "0s", max: "1ms")"#).always_zero());
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
