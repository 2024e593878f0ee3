//! The duration fields of a policy that a sweep or a search can vary.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

use crate::model::{Dur, Policy};

/// A duration field of [`Policy`], named as in the scenario file (nested
/// fields with a dot: `warning.lead`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Param {
    IdleTimeout,
    AbsoluteTimeout,
    WarningLead,
    KeepaliveInterval,
    CsrfTimeLimit,
    RememberMe,
}

impl Param {
    pub const ALL: [Param; 6] = [
        Param::IdleTimeout,
        Param::AbsoluteTimeout,
        Param::WarningLead,
        Param::KeepaliveInterval,
        Param::CsrfTimeLimit,
        Param::RememberMe,
    ];

    /// The field's path in a scenario file.
    pub fn name(self) -> &'static str {
        match self {
            Param::IdleTimeout => "idle_timeout",
            Param::AbsoluteTimeout => "absolute_timeout",
            Param::WarningLead => "warning.lead",
            Param::KeepaliveInterval => "keepalive.interval",
            Param::CsrfTimeLimit => "csrf.time_limit",
            Param::RememberMe => "remember_me",
        }
    }

    /// Whether the policy has the field. Top-level optional durations always
    /// apply (setting one switches the limit on); a nested one needs its
    /// section (`warning`, `keepalive`, `csrf`) to exist.
    pub fn applies_to(self, policy: &Policy) -> bool {
        match self {
            Param::IdleTimeout | Param::AbsoluteTimeout | Param::RememberMe => true,
            Param::WarningLead => policy.warning.is_some(),
            Param::KeepaliveInterval => policy.keepalive.is_some(),
            Param::CsrfTimeLimit => policy.csrf.is_some(),
        }
    }

    /// The fields a sweep of this policy may vary (for a GUI's parameter list).
    pub fn available_for(policy: &Policy) -> Vec<Param> {
        Param::ALL
            .into_iter()
            .filter(|p| p.applies_to(policy))
            .collect()
    }

    /// The field's value; `None` when it is off or its section is missing.
    pub fn get(self, policy: &Policy) -> Option<Dur> {
        match self {
            Param::IdleTimeout => policy.idle_timeout,
            Param::AbsoluteTimeout => policy.absolute_timeout,
            Param::WarningLead => policy.warning.map(|w| w.lead),
            Param::KeepaliveInterval => policy.keepalive.map(|k| k.interval),
            Param::CsrfTimeLimit => policy.csrf.and_then(|c| c.time_limit),
            Param::RememberMe => policy.remember_me,
        }
    }

    /// Sets the field. Refuses a nested field whose section the policy lacks:
    /// inventing a warning or a keepalive would change more than one field.
    pub fn set(self, policy: &mut Policy, value: Dur) -> Result<(), String> {
        let missing = |section: &str| {
            format!(
                "policy {:?} has no {section}, so {} cannot be set; add `{section}: Some(...)` to it first",
                policy.name,
                self.name()
            )
        };
        match self {
            Param::IdleTimeout => policy.idle_timeout = Some(value),
            Param::AbsoluteTimeout => policy.absolute_timeout = Some(value),
            Param::RememberMe => policy.remember_me = Some(value),
            Param::WarningLead => match policy.warning.as_mut() {
                Some(w) => w.lead = value,
                None => return Err(missing("warning")),
            },
            Param::KeepaliveInterval => match policy.keepalive.as_mut() {
                Some(k) => k.interval = value,
                None => return Err(missing("keepalive")),
            },
            Param::CsrfTimeLimit => match policy.csrf.as_mut() {
                Some(c) => c.time_limit = Some(value),
                None => return Err(missing("csrf")),
            },
        }
        Ok(())
    }

    /// The policy with the field set.
    pub fn with(self, policy: &Policy, value: Dur) -> Result<Policy, String> {
        let mut p = policy.clone();
        self.set(&mut p, value)?;
        Ok(p)
    }
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Param {
    type Err = String;

    /// Accepts the dotted names and the same with `_` for the dot
    /// (`warning_lead`), which is easier to type in some shells and GUIs.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        Param::ALL
            .into_iter()
            .find(|p| p.name() == wanted || p.name().replace('.', "_") == wanted)
            .ok_or_else(|| {
                let names: Vec<&str> = Param::ALL.iter().map(|p| p.name()).collect();
                format!(
                    "unknown parameter {s:?}: expected one of {}",
                    names.join(", ")
                )
            })
    }
}

impl Serialize for Param {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Csrf, Warning};

    #[test]
    fn parses_dotted_and_underscored_names() {
        assert_eq!("warning.lead".parse(), Ok(Param::WarningLead));
        assert_eq!("warning_lead".parse(), Ok(Param::WarningLead));
        assert_eq!("keepalive.interval".parse(), Ok(Param::KeepaliveInterval));
        assert_eq!("csrf_time_limit".parse(), Ok(Param::CsrfTimeLimit));
        assert_eq!("idle_timeout".parse(), Ok(Param::IdleTimeout));
        let err = "idle".parse::<Param>().unwrap_err();
        assert!(err.contains("idle_timeout, absolute_timeout"), "{err}");
    }

    #[test]
    fn sets_nested_fields_only_when_their_section_exists() {
        let mut p = Policy::named("p");
        assert!(Param::WarningLead.set(&mut p, Dur::mins(2)).is_err());
        p.warning = Some(Warning::default());
        p.csrf = Some(Csrf { time_limit: None });
        Param::WarningLead
            .set(&mut p, Dur::mins(2))
            .expect("has a warning");
        Param::CsrfTimeLimit
            .set(&mut p, Dur::hours(2))
            .expect("has csrf");
        Param::AbsoluteTimeout
            .set(&mut p, Dur::hours(8))
            .expect("top level");
        assert_eq!(p.warning.map(|w| w.lead), Some(Dur::mins(2)));
        assert_eq!(p.csrf.and_then(|c| c.time_limit), Some(Dur::hours(2)));
        assert_eq!(Param::AbsoluteTimeout.get(&p), Some(Dur::hours(8)));
        assert_eq!(
            Param::available_for(&p),
            [
                Param::IdleTimeout,
                Param::AbsoluteTimeout,
                Param::WarningLead,
                Param::CsrfTimeLimit,
                Param::RememberMe
            ]
        );
    }
}
