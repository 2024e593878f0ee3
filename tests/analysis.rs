//! Tests of the analysis features: sweeps, the frontier, compliance checks,
//! exports and recommendations, through the library and the binary.

#[path = "analysis/synth.rs"]
mod synth;

#[path = "analysis/compliance.rs"]
mod compliance;
#[path = "analysis/export.rs"]
mod export;
#[path = "analysis/frontier.rs"]
mod frontier;
#[path = "analysis/recommend.rs"]
mod recommend;
#[path = "analysis/sweep.rs"]
mod sweep;

pub mod support {
    use std::path::{Path, PathBuf};
    use std::process::{Command, Output};

    use lapse::model::{Dur, Policy, Population, Scenario, Trace};

    pub const MIN: u64 = 60_000;

    pub fn policy(ron_text: &str) -> Policy {
        let p: Policy = lapse::model::scenario::ron_options()
            .from_str(ron_text)
            .unwrap_or_else(|e| panic!("test policy does not parse: {e}"));
        assert!(p.problems().is_empty(), "invalid: {:?}", p.problems());
        p
    }

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

    pub fn lapse(args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_lapse"))
            .args(args)
            .output()
            .expect("the lapse binary runs")
    }

    pub fn stdout(o: &Output) -> String {
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    pub fn stderr(o: &Output) -> String {
        String::from_utf8_lossy(&o.stderr).into_owned()
    }
}
