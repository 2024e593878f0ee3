//! `lapse report`: a thin layer over `report::document::report_command`.

use super::Failure;
use crate::report::document::{ReportArgs, report_command};

pub fn report(args: &ReportArgs) -> Result<(), Failure> {
    let done = report_command(args)?;
    for path in &done.written {
        eprintln!("wrote {}", path.display());
    }
    eprintln!(
        "simulation {:.2} s, report {:.2} s",
        done.simulation.as_secs_f64(),
        done.report.as_secs_f64()
    );
    Ok(())
}
