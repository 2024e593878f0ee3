//! Problems with what a user gave us, each pointing at the file, line and column.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in a user's input: a scenario, a trace, a log, a flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: Option<PathBuf>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl Diagnostic {
    pub fn new(message: impl Into<String>) -> Self {
        Diagnostic {
            file: None,
            line: None,
            column: None,
            message: message.into(),
        }
    }

    pub fn in_file(file: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Diagnostic {
            file: Some(file.as_ref().to_path_buf()),
            ..Diagnostic::new(message)
        }
    }

    pub fn at(mut self, line: usize, column: Option<usize>) -> Self {
        self.line = Some(line);
        self.column = column;
        self
    }

    /// Names the file when the problem was found before the file was known.
    pub fn with_file(mut self, file: impl AsRef<Path>) -> Self {
        if self.file.is_none() {
            self.file = Some(file.as_ref().to_path_buf());
        }
        self
    }
}

impl fmt::Display for Diagnostic {
    /// `file:line:column: message`, leaving out what is not known.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}:", file.display())?;
            if let Some(line) = self.line {
                write!(f, "{line}:")?;
                if let Some(column) = self.column {
                    write!(f, "{column}:")?;
                }
            }
            f.write_str(" ")?;
        }
        f.write_str(&self.message)
    }
}

/// Every problem found in one input, in the order found. Never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn one(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }
    pub fn first(&self) -> Option<&Diagnostic> {
        self.0.first()
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics::one(d)
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}
impl std::error::Error for Diagnostic {}

/// An I/O failure on a file the user named, as a diagnostic.
pub fn io_diagnostic(path: &Path, action: &str, err: &std::io::Error) -> Diagnostic {
    let reason = match err.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::IsADirectory => "is a directory, not a file".to_string(),
        _ => err.to_string(),
    };
    Diagnostic::in_file(path, format!("cannot {action}: {reason}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_location_parts_that_are_known() {
        let d = Diagnostic::in_file("a.ron", "boom").at(3, Some(7));
        assert_eq!(d.to_string(), "a.ron:3:7: boom");
        let d = Diagnostic::in_file("a.csv", "boom").at(3, None);
        assert_eq!(d.to_string(), "a.csv:3: boom");
        assert_eq!(Diagnostic::in_file("x", "boom").to_string(), "x: boom");
        assert_eq!(Diagnostic::new("boom").to_string(), "boom");
    }
}
