//! Reading a trace file followed from another thread (the window's
//! progress bar) and stopped when a newer load makes it moot.

/// Lets another thread follow a trace file being read, and stop it.
#[derive(Debug, Default)]
pub struct LoadProgress {
    /// Bytes of the file read so far (compressed bytes for a `.csv.gz`).
    pub read_bytes: std::sync::atomic::AtomicU64,
    /// The file's size (0 until known).
    pub total_bytes: std::sync::atomic::AtomicU64,
    pub cancel: std::sync::atomic::AtomicBool,
}

impl LoadProgress {
    pub fn cancelled(&self) -> bool {
        self.cancel.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The share of the file read, 0..=1 (0 while the size is unknown).
    pub fn fraction(&self) -> f32 {
        use std::sync::atomic::Ordering::Relaxed;
        let total = self.total_bytes.load(Relaxed);
        if total == 0 {
            return 0.0;
        }
        (self.read_bytes.load(Relaxed) as f64 / total as f64).min(1.0) as f32
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    use super::*;
    use crate::model::Trace;

    fn trace_file(lines: usize) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("t.csv");
        let mut text = String::from("user,time_ms,kind\n");
        for i in 0..lines {
            text += &format!("u{},{},input\n", i % 7, i * 1000);
        }
        std::fs::write(&path, text).expect("write");
        (dir, path)
    }

    #[test]
    fn counts_the_file_read_to_its_end() {
        let (_dir, path) = trace_file(1000);
        let size = std::fs::metadata(&path).expect("size").len();
        let progress = LoadProgress::default();
        let trace = Trace::load_with(&path, &progress)
            .expect("not cancelled")
            .expect("valid");
        assert_eq!(trace.num_events(), 1000);
        assert_eq!(progress.total_bytes.load(Ordering::Relaxed), size);
        assert_eq!(progress.read_bytes.load(Ordering::Relaxed), size);
        assert_eq!(progress.fraction(), 1.0);
    }

    #[test]
    fn a_cancelled_load_gives_nothing() {
        let (_dir, path) = trace_file(1000);
        let progress = LoadProgress::default();
        progress.cancel.store(true, Ordering::Relaxed);
        assert!(Trace::load_with(&path, &progress).is_none());
        // Only the two bytes that tell gzip from plain text were read.
        assert!(progress.read_bytes.load(Ordering::Relaxed) <= 2);
    }

    #[test]
    fn the_fraction_is_zero_until_the_size_is_known() {
        let progress = LoadProgress::default();
        assert_eq!(progress.fraction(), 0.0);
        progress.total_bytes.store(200, Ordering::Relaxed);
        progress.read_bytes.store(50, Ordering::Relaxed);
        assert_eq!(progress.fraction(), 0.25);
    }
}
