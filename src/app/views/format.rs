//! Numbers and durations as the views write them (no egui: the prepared
//! view data uses them too).

/// Hours as a clock reading: `day 2 09:30`, or `09:30` within one day.
pub fn clock(hours: f64, with_day: bool) -> String {
    let minutes = (hours * 60.0).round() as i64;
    let (day, minute_of_day) = (minutes.div_euclid(1440), minutes.rem_euclid(1440));
    let hm = format!("{:02}:{:02}", minute_of_day / 60, minute_of_day % 60);
    if with_day {
        format!("day {} {hm}", day + 1)
    } else if minutes == 1440 {
        "24:00".into()
    } else {
        hm
    }
}

// A duration rounded for reading and a count with thousands separated have
// one home, the report module, which the command line's report uses too.
pub use crate::report::document::{rough, thousands};

/// A plot's value for hover labels: integers as integers.
pub fn amount(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        let n = v.round();
        let text = thousands(n.abs() as u64);
        if n < 0.0 { format!("-{text}") } else { text }
    } else {
        format!("{v:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_readings() {
        assert_eq!(clock(0.0, true), "day 1 00:00");
        assert_eq!(clock(33.5, true), "day 2 09:30");
        assert_eq!(clock(9.25, false), "09:15");
        assert_eq!(clock(24.0, false), "24:00");
    }

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_686_135), "1,686,135");
    }

    #[test]
    fn rough_durations_read_easily() {
        assert_eq!(rough(0), "0s");
        assert_eq!(rough(400), "under 1s");
        assert_eq!(rough(270_400), "4m30s");
        assert_eq!(rough(1_800_000), "30m");
        assert_eq!(rough(18_154_238), "5h3m");
        assert_eq!(rough(11_894_916_750), "137.7 days");
    }
}
