//! Generated populations as written in a scenario: groups of users drawn
//! from behaviour profiles, and the rules they must keep. The generator
//! itself (`generate`) turns them into a trace.

use serde::{Deserialize, Serialize};

use super::duration::Dur;
use super::limits::limits;
use super::locate::{FieldPath, Seg};
use super::profile;
use super::scenario::{Population, Scenario};

/// The longest horizon a generated population may cover (about ten years).
pub const MAX_HORIZON: Dur = Dur::days(3660);

/// Users drawn from one profile: `(profile: "office", users: 200)`. Their
/// names are the group's name (the profile's, unless `name` is given) and a
/// number: `office-0001`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub profile: String,
    pub users: u64,
    /// Needed only to tell apart two groups of the same profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl Group {
    pub fn new(profile: impl Into<String>, users: u64) -> Group {
        Group {
            profile: profile.into(),
            users,
            name: None,
        }
    }

    /// The prefix of its users' names.
    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.profile)
    }

    /// The name of user `index` (counting from 0): `office-0001` for 0.
    pub fn user_name(&self, index: u64) -> String {
        format!("{}-{:04}", self.name(), index + 1)
    }
}

/// The rules on profiles and generated populations, each with the path of the
/// field that breaks it. Part of [`Scenario::rule_breaks`].
pub fn scenario_problems(scenario: &Scenario) -> Vec<(FieldPath, String)> {
    let mut out = Vec::new();
    for (i, profile) in scenario.profiles.iter().enumerate() {
        let at = |rest: &[Seg]| {
            let mut path = vec![Seg::Field("profiles"), Seg::Index(i)];
            path.extend_from_slice(rest);
            path
        };
        if let Some(first) = scenario.profiles[..i]
            .iter()
            .position(|p| p.name == profile.name)
        {
            out.push((
                at(&[Seg::Field("name")]),
                format!(
                    "duplicate profile name {:?} (profile {} has it too); names must be unique",
                    profile.name,
                    first + 1
                ),
            ));
        }
        for (path, message) in profile.problems() {
            out.push((at(&path), format!("profile {:?}: {message}", profile.name)));
        }
    }
    if let Population::Generated(groups) = &scenario.population {
        group_problems(scenario, groups, &mut out);
    }
    out
}

fn group_problems(scenario: &Scenario, groups: &[Group], out: &mut Vec<(FieldPath, String)>) {
    let population = || vec![Seg::Field("population")];
    if groups.is_empty() {
        out.push((
            population(),
            "Generated([]) has no users: add a group like (profile: \"office\", users: 100)".into(),
        ));
    }
    for (i, group) in groups.iter().enumerate() {
        let at = |field| vec![Seg::Field("population"), Seg::Index(i), Seg::Field(field)];
        if !scenario.profiles.iter().any(|p| p.name == group.profile) {
            let known: Vec<String> = scenario
                .profiles
                .iter()
                .map(|p| format!("{:?}", p.name))
                .collect();
            let hint = if known.is_empty() {
                "the scenario has no `profiles` list".to_string()
            } else {
                format!("the profiles are {}", known.join(", "))
            };
            out.push((
                at("profile"),
                format!("unknown profile {:?}: {hint}", group.profile),
            ));
        }
        if let Some(name) = &group.name
            && let Some(why) = profile::name_problem(name)
        {
            out.push((at("name"), format!("group name {why}")));
        }
        if let Some(first) = groups[..i].iter().position(|g| g.name() == group.name()) {
            let field = if group.name.is_some() {
                "name"
            } else {
                "profile"
            };
            out.push((
                at(field),
                format!(
                    "group {} has the same name {:?} as group {} (its users would have the same names); add name: \"...\" to one of them",
                    i + 1,
                    group.name(),
                    first + 1
                ),
            ));
        }
    }
    let total = groups
        .iter()
        .fold(0u64, |sum, g| sum.saturating_add(g.users));
    let max_users = limits().max_users;
    if total > max_users {
        out.push((
            population(),
            format!(
                "the groups add up to {total} users; a generated population may have at most {max_users} (raise with --max-users)"
            ),
        ));
    }
    if scenario.horizon > MAX_HORIZON {
        out.push((
            vec![Seg::Field("horizon")],
            format!(
                "horizon {} is longer than a generated population may cover ({MAX_HORIZON})",
                scenario.horizon
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names_count_from_one() {
        let g = Group::new("office", 3);
        assert_eq!(g.user_name(0), "office-0001");
        assert_eq!(g.user_name(12_344), "office-12345");
        let named = Group {
            name: Some("night".into()),
            ..g
        };
        assert_eq!(named.user_name(1), "night-0002");
    }
}
