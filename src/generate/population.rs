//! A scenario's population loaded: its trace file read, or its users
//! generated.

use std::path::Path;

use crate::model::locate::{Seg, locate};
use crate::model::{Diagnostic, Diagnostics, LoadProgress, Population, ScenarioFile, Trace};

impl ScenarioFile {
    /// Loads the users the scenario describes.
    pub fn load_population(&self) -> Result<Trace, Diagnostics> {
        self.load_population_with(&LoadProgress::default())
            .expect("a load nobody cancels always completes")
    }

    /// [`ScenarioFile::load_population`], a trace file's reading reported to
    /// `progress`; `None` once `progress` is cancelled.
    pub fn load_population_with(
        &self,
        progress: &LoadProgress,
    ) -> Option<Result<Trace, Diagnostics>> {
        match &self.scenario.population {
            Population::Trace { path } => {
                let resolved = self.base_dir().join(path);
                if !resolved.is_file() {
                    let problem = if resolved.is_dir() {
                        "is a directory"
                    } else {
                        "does not exist"
                    };
                    let mut message =
                        format!("trace file {:?} {problem}", path.display().to_string());
                    if resolved != *path {
                        message += &format!(" (looked for {})", resolved.display());
                    }
                    return Some(Err(self.population_problem(message)));
                }
                if let Some(own) = &self.path
                    && same_file(own, &resolved)
                {
                    return Some(Err(self.population_problem(format!(
                        "trace file {:?} is this scenario file itself; point it at a trace CSV",
                        path.display().to_string()
                    ))));
                }
                Trace::load_with(&resolved, progress)
            }
            Population::Generated(_) => Some(crate::generate::generate_file(self)),
        }
    }

    fn population_problem(&self, message: String) -> Diagnostics {
        let mut d = Diagnostic::new(message);
        d.file = self.path.clone();
        let at = locate(
            &self.source,
            &[Seg::Field("population"), Seg::Field("path")],
        )
        .or_else(|| locate(&self.source, &[Seg::Field("population")]));
        if let Some((line, col)) = at {
            d = d.at(line, Some(col));
        }
        d.into()
    }
}

/// Whether two paths name the same file on disk.
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
