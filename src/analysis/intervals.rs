//! The statistics behind every error bar: 95 % intervals over replicates,
//! percentile bootstrap intervals, totals scaled up from a sample of users,
//! and paired differences between two policies. Pure functions over numbers;
//! [`super::replicates`] produces the numbers. docs/replicates.md says what
//! each interval means.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// The share of the time an interval should hold the true value.
pub const LEVEL: f64 = 0.95;

/// A metric's estimate and its 95 % interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Interval {
    pub mean: f64,
    pub low: f64,
    pub high: f64,
}

impl Interval {
    /// A value known exactly (one replicate, or nothing to vary).
    pub fn exact(value: f64) -> Interval {
        Interval {
            mean: value,
            low: value,
            high: value,
        }
    }

    /// Half the interval's width: the `± h` shown beside the mean.
    pub fn half_width(&self) -> f64 {
        (self.high - self.low) / 2.0
    }

    /// Whether `value` lies in the interval, ends included.
    pub fn covers(&self, value: f64) -> bool {
        self.low <= value && value <= self.high
    }
}

/// How an interval was worked out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Independent draws of a generated population: Student's t.
    StudentT,
    /// Users of one trace resampled with replacement: the trace's own value
    /// ± t · the resamples' standard deviation (the bootstrap standard error).
    Bootstrap,
    /// A random share of the users, scaled up to the whole population.
    Sample,
}

/// The quantile `t` with P(T <= t) = 0.975 for Student's t with `df`
/// degrees of freedom (2.776 for 4).
pub fn t_quantile(df: usize) -> f64 {
    match StudentsT::new(0.0, 1.0, df as f64) {
        Ok(t) => t.inverse_cdf(0.5 + LEVEL / 2.0),
        // df = 0: one value says nothing of the spread.
        Err(_) => f64::INFINITY,
    }
}

/// The mean of `values` (0 for none).
pub fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.iter().sum::<f64>() / values.len() as f64
}

/// The sample variance (divisor n - 1; 0 for fewer than two values).
pub fn variance(values: &[f64]) -> f64 {
    if values.len() < 2 {
        return 0.0;
    }
    let m = mean(values);
    values.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (values.len() - 1) as f64
}

/// Mean ± t(0.975, n-1) · s / √n: the interval for the mean of independent
/// draws. One value gives an exact interval (nothing is known of the spread,
/// and one replicate must read as today's single number).
pub fn student_t(values: &[f64]) -> Interval {
    let m = mean(values);
    let n = values.len();
    if n < 2 {
        return Interval::exact(m);
    }
    let half = t_quantile(n - 1) * (variance(values) / n as f64).sqrt();
    Interval {
        mean: m,
        low: m - half,
        high: m + half,
    }
}

/// The `p` quantile (0..=1) of sorted values, interpolating linearly between
/// neighbours (the "type 7" rule of R and NumPy's default).
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    match sorted {
        [] => 0.0,
        [only] => *only,
        _ => {
            let at = p.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
            let below = at.floor() as usize;
            let above = (below + 1).min(sorted.len() - 1);
            let t = at - below as f64;
            sorted[below] + t * (sorted[above] - sorted[below])
        }
    }
}

/// The mean of the replicates and their 2.5th and 97.5th percentiles: the
/// percentile bootstrap interval (too narrow with few resamples; see
/// [`bootstrap`]).
pub fn percentile(values: &[f64]) -> Interval {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let tail = (1.0 - LEVEL) / 2.0;
    Interval {
        mean: mean(values),
        low: quantile(&sorted, tail),
        high: quantile(&sorted, 1.0 - tail),
    }
}

/// The bootstrap interval around the trace's own value `values[0]`:
/// ± t(0.975, n-1) · s · √(u/(u-1)), s the standard deviation of all n
/// replicates, u the trace's users. The spread of the resamples stands for
/// the spread of the total over other draws of users, so unlike
/// [`student_t`] it is not divided by √n: more resamples make the interval
/// surer, not narrower. Resampling u users understates that spread by
/// √((u-1)/u) (the plug-in variance), hence the last factor.
///
/// Why not the percentile interval ([`percentile`])? Measured
/// (tests/integration/analysis/intervals.rs): from 20 resamples its 2.5th
/// and 97.5th percentiles sit between the 1st and 2nd, 19th and 20th
/// values, and it held the true total in only 75 to 85 of 100 runs; this
/// interval holds it about 95 times in 100.
pub fn bootstrap(values: &[f64], users: usize) -> Interval {
    let Some(&own) = values.first() else {
        return Interval::exact(0.0);
    };
    if values.len() < 2 || users < 2 {
        return Interval::exact(own);
    }
    let plug_in = (users as f64 / (users - 1) as f64).sqrt();
    let half = t_quantile(values.len() - 1) * variance(values).sqrt() * plug_in;
    Interval {
        mean: own,
        low: own - half,
        high: own + half,
    }
}

/// The interval of `values` by `method` (a sample is worked out from its
/// users by [`sample_total`]); `users` is each replicate's population size.
pub fn interval(method: Method, values: &[f64], users: usize) -> Interval {
    match method {
        Method::Bootstrap => bootstrap(values, users),
        Method::StudentT | Method::Sample => student_t(values),
    }
}

/// The whole population's total estimated from `per_user` values of a simple
/// random sample (without replacement) of `population` users:
/// N·ȳ ± t(0.975, n-1) · N · √((1 - n/N) · s²/n). The finite-population
/// factor makes a 100 % sample exact.
pub fn sample_total(per_user: &[f64], population: usize) -> Interval {
    let n = per_user.len();
    let big_n = population as f64;
    let total = big_n * mean(per_user);
    if n < 2 {
        return Interval::exact(total);
    }
    let finite = (1.0 - n as f64 / big_n).max(0.0);
    let half = t_quantile(n - 1) * big_n * (finite * variance(per_user) / n as f64).sqrt();
    Interval {
        mean: total,
        low: total - half,
        high: total + half,
    }
}

/// One metric's difference `other - baseline` and how sure it is.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Difference {
    pub mean: f64,
    pub low: f64,
    pub high: f64,
    /// Replicates whose difference has the sign of the mean (a zero
    /// difference agrees with a zero mean only); `None` for a sample.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agree: Option<usize>,
    pub replicates: usize,
}

impl Difference {
    /// Whether the interval leaves zero out: the policies really differ.
    pub fn is_clear(&self) -> bool {
        self.low > 0.0 || self.high < 0.0
    }

    fn new(interval: Interval, agree: Option<usize>, replicates: usize) -> Difference {
        Difference {
            mean: interval.mean,
            low: interval.low,
            high: interval.high,
            agree,
            replicates,
        }
    }
}

/// The paired difference `other - baseline`, replicate by replicate: both
/// policies saw the same users in each replicate (common random numbers),
/// so the population's own variation cancels out.
pub fn paired(method: Method, baseline: &[f64], other: &[f64], users: usize) -> Difference {
    let diffs: Vec<f64> = other.iter().zip(baseline).map(|(o, b)| o - b).collect();
    let interval = interval(method, &diffs, users);
    let sign = interval.mean.partial_cmp(&0.0);
    let agree = diffs
        .iter()
        .filter(|&&d| d.partial_cmp(&0.0) == sign)
        .count();
    Difference::new(interval, Some(agree), diffs.len())
}

/// The paired difference of two policies over one sample's users, scaled to
/// the whole population of `population` users.
pub fn paired_sample(baseline: &[f64], other: &[f64], population: usize) -> Difference {
    let diffs: Vec<f64> = other.iter().zip(baseline).map(|(o, b)| o - b).collect();
    Difference::new(sample_total(&diffs, population), None, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_the_printed_tables() {
        // Student's t table, two-sided 95 %: 12.706 (1), 2.776 (4), 2.093 (19).
        assert!((t_quantile(1) - 12.706).abs() < 1e-3);
        assert!((t_quantile(4) - 2.776).abs() < 1e-3);
        assert!((t_quantile(19) - 2.093).abs() < 1e-3);
    }

    #[test]
    fn quantiles_interpolate() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&v, 0.0), 1.0);
        assert_eq!(quantile(&v, 0.5), 3.0);
        assert_eq!(quantile(&v, 0.125), 1.5);
        assert_eq!(quantile(&v, 1.0), 5.0);
    }

    #[test]
    fn a_single_replicate_is_exact() {
        assert_eq!(student_t(&[7.0]), Interval::exact(7.0));
        assert_eq!(percentile(&[7.0]), Interval::exact(7.0));
        assert_eq!(bootstrap(&[7.0], 10), Interval::exact(7.0));
    }
}
