//! Resource limits: the sizes past which an input is refused with a clear
//! message instead of exhausting memory or time. Each has a default that no
//! sensible input reaches and a command-line flag to raise it
//! (`--max-users`, `--max-events`, `--max-buckets`, `--max-file-size`,
//! `--max-line-length`); docs/robustness.md lists them.
//!
//! They are process-wide settings (set once from the command line, read
//! wherever an input is checked), so the loaders need no extra parameter.

use std::sync::atomic::{AtomicU64, Ordering};

/// The limits in force.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Users in a generated population.
    pub max_users: u64,
    /// Events in a generated trace.
    pub max_events: u64,
    /// Time-series buckets (horizon / bucket).
    pub max_buckets: u64,
    /// Bytes in a scenario file.
    pub max_file_bytes: u64,
    /// Bytes in one line of a trace CSV or an access log.
    pub max_line_bytes: u64,
}

impl Limits {
    pub const DEFAULT: Limits = Limits {
        max_users: 1_000_000,
        max_events: 100_000_000,
        max_buckets: 1_000_000,
        max_file_bytes: 16 << 20,
        max_line_bytes: 1 << 20,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

static MAX_USERS: AtomicU64 = AtomicU64::new(Limits::DEFAULT.max_users);
static MAX_EVENTS: AtomicU64 = AtomicU64::new(Limits::DEFAULT.max_events);
static MAX_BUCKETS: AtomicU64 = AtomicU64::new(Limits::DEFAULT.max_buckets);
static MAX_FILE_BYTES: AtomicU64 = AtomicU64::new(Limits::DEFAULT.max_file_bytes);
static MAX_LINE_BYTES: AtomicU64 = AtomicU64::new(Limits::DEFAULT.max_line_bytes);

/// The limits in force now.
pub fn limits() -> Limits {
    Limits {
        max_users: MAX_USERS.load(Ordering::Relaxed),
        max_events: MAX_EVENTS.load(Ordering::Relaxed),
        max_buckets: MAX_BUCKETS.load(Ordering::Relaxed),
        max_file_bytes: MAX_FILE_BYTES.load(Ordering::Relaxed),
        max_line_bytes: MAX_LINE_BYTES.load(Ordering::Relaxed),
    }
}

/// Puts new limits in force for the whole process.
pub fn set_limits(l: Limits) {
    MAX_USERS.store(l.max_users, Ordering::Relaxed);
    MAX_EVENTS.store(l.max_events, Ordering::Relaxed);
    MAX_BUCKETS.store(l.max_buckets, Ordering::Relaxed);
    MAX_FILE_BYTES.store(l.max_file_bytes, Ordering::Relaxed);
    MAX_LINE_BYTES.store(l.max_line_bytes, Ordering::Relaxed);
}

/// A byte count for messages: `16 MiB`, `1 KiB`, `300 bytes`.
pub fn human_bytes(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 && b % (1 << 30) == 0 => format!("{} GiB", b >> 30),
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / (1 << 20) as f64),
        b => format!("{b} bytes"),
    }
}
