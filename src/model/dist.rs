//! Distributions as written in scenario files, and the rules they must keep.
//!
//! A distribution is over a whole-number quantity: a duration in milliseconds
//! ([`Dur`], written `"7s"`) or a count ([`Count`], written `12`). The
//! samplers built from them are the generator's (`generate::sampler`).

use std::fmt;
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};

use super::duration::{Dur, MAX_MS};
use super::locate::{FieldPath, Seg};

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
}

/// The rules an `Empirical` table must keep (also checked before sampling).
pub fn empirical_problems<Q: Quantity>(
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
