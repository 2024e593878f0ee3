//! Helpers for the analysis tests: policies, scenarios and their files.

use std::path::{Path, PathBuf};

use lapse::model::{Dur, Policy, Population, Scenario, Trace};

pub fn scenario(policies: Vec<Policy>) -> Scenario {
    Scenario {
        name: "Analysis test".into(),
        seed: 7,
        horizon: Dur::days(5),
        away_after: Dur::mins(5),
        bucket: Dur::mins(15),
        population: Population::Trace {
            path: PathBuf::from("trace.csv"),
        },
        policies,
        profiles: Vec::new(),
        replicates: 1,
        sample_users: None,
    }
}

/// Writes `scenario.ron` and `trace.csv` into `dir`; returns the scenario's path.
pub fn write_scenario(dir: &Path, scenario: &Scenario, trace: &Trace) -> PathBuf {
    let path = dir.join("scenario.ron");
    std::fs::write(&path, scenario.to_ron()).expect("write scenario");
    let mut csv = Vec::new();
    trace.write_csv(&mut csv).expect("csv");
    std::fs::write(dir.join("trace.csv"), csv).expect("write trace");
    path
}
