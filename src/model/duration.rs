//! Durations as whole milliseconds, written as human strings (`30m`, `1h30m`, `2d`).
//!
//! Parsing goes through `humantime`; formatting is our own compact form so that a
//! saved file reads like the one a person wrote (`1h30m`, not `1h 30m`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The largest time or duration Lapse accepts: 2^52 ms (about 142,000 years).
/// Keeping every value below it means a sum of two never overflows a `u64`, and
/// an event's time fits beside its tab and kind in one `u64` (see `Event`).
pub const MAX_MS: u64 = 1 << 52;

/// A duration in whole milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dur(pub u64);

impl Dur {
    pub const fn ms(ms: u64) -> Self {
        Dur(ms)
    }
    pub const fn secs(s: u64) -> Self {
        Dur(s * 1000)
    }
    pub const fn mins(m: u64) -> Self {
        Dur(m * 60_000)
    }
    pub const fn hours(h: u64) -> Self {
        Dur(h * 3_600_000)
    }
    pub const fn days(d: u64) -> Self {
        Dur(d * 86_400_000)
    }
    pub const fn as_ms(self) -> u64 {
        self.0
    }
}

/// Why a duration string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("invalid duration {text:?}: {reason} (write it like 500ms, 45s, 30m, 1h30m, 2d)")]
    Syntax { text: String, reason: String },
    #[error("duration {text:?} is not a whole number of milliseconds")]
    SubMillisecond { text: String },
    #[error("duration {text:?} is too long (the limit is about 142,000 years)")]
    TooLong { text: String },
    #[error("duration {text:?} is negative: durations count forward from an instant")]
    Negative { text: String },
}

impl FromStr for Dur {
    type Err = DurationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        if text.starts_with('-') {
            return Err(DurationError::Negative {
                text: s.to_string(),
            });
        }
        let parsed = humantime::parse_duration(text).map_err(|e| match e {
            humantime::DurationError::NumberOverflow => DurationError::TooLong {
                text: s.to_string(),
            },
            e => DurationError::Syntax {
                text: s.to_string(),
                reason: e.to_string(),
            },
        })?;
        if parsed.subsec_nanos() % 1_000_000 != 0 {
            return Err(DurationError::SubMillisecond {
                text: s.to_string(),
            });
        }
        let ms = u64::try_from(parsed.as_millis())
            .ok()
            .filter(|&ms| ms <= MAX_MS)
            .ok_or_else(|| DurationError::TooLong {
                text: s.to_string(),
            })?;
        Ok(Dur(ms))
    }
}

impl fmt::Display for Dur {
    /// Compact form: `1d2h30m`, `45s`, `500ms`, `0s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [(u64, &str); 5] = [
            (86_400_000, "d"),
            (3_600_000, "h"),
            (60_000, "m"),
            (1_000, "s"),
            (1, "ms"),
        ];
        if self.0 == 0 {
            return f.write_str("0s");
        }
        let mut rest = self.0;
        for (size, unit) in UNITS {
            if rest >= size {
                write!(f, "{}{}", rest / size, unit)?;
                rest %= size;
            }
        }
        Ok(())
    }
}

impl Serialize for Dur {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Dur {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Dur;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration string such as \"30m\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Dur, E> {
                v.parse().map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

/// Milliseconds as a short human label for tables and plots: `1h30m`, `2.5s`.
pub fn human_ms(ms: u64) -> String {
    Dur(ms).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_spec_forms() {
        let cases = [
            ("500ms", 500),
            ("45s", 45_000),
            ("30m", 1_800_000),
            ("1h30m", 5_400_000),
            ("12h", 43_200_000),
            ("2d", 172_800_000),
            ("1h 30m", 5_400_000),
        ];
        for (text, ms) in cases {
            assert_eq!(text.parse::<Dur>(), Ok(Dur(ms)), "{text}");
        }
    }

    #[test]
    fn formats_compactly_and_round_trips() {
        for (ms, text) in [
            (0, "0s"),
            (500, "500ms"),
            (1_800_000, "30m"),
            (5_400_000, "1h30m"),
            (90_061_001, "1d1h1m1s1ms"),
        ] {
            assert_eq!(Dur(ms).to_string(), text);
            assert_eq!(text.parse::<Dur>(), Ok(Dur(ms)));
        }
    }

    #[test]
    fn refuses_bad_strings() {
        assert!(matches!(
            "30".parse::<Dur>(),
            Err(DurationError::Syntax { .. })
        ));
        assert!(matches!(
            "ten minutes".parse::<Dur>(),
            Err(DurationError::Syntax { .. })
        ));
        assert!(matches!(
            "1us".parse::<Dur>(),
            Err(DurationError::SubMillisecond { .. })
        ));
        assert!(matches!(
            "100000000years".parse::<Dur>(),
            Err(DurationError::TooLong { .. })
        ));
        assert!(matches!(
            "99999999999999999999s".parse::<Dur>(),
            Err(DurationError::TooLong { .. })
        ));
        assert!(matches!(
            "-5m".parse::<Dur>(),
            Err(DurationError::Negative { .. })
        ));
    }
}
