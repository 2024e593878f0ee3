//! Numbers and durations as the views write them (no egui: the prepared
//! view data uses them too).

use crate::model::Dur;

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

/// A duration rounded for reading: `45s`, `4m30s`, `30m`, `5h2m`, `3.5 days`.
pub fn rough(ms: u64) -> String {
    const S: u64 = 1_000;
    const M: u64 = 60 * S;
    const H: u64 = 60 * M;
    let round = |unit: u64| (ms + unit / 2) / unit * unit;
    match ms {
        0 => "0s".into(),
        1..1_000 => "under 1s".into(),
        _ if ms < 10 * M => Dur(round(S)).to_string(),
        _ if ms < 48 * H => Dur(round(M)).to_string(),
        _ => format!("{:.1} days", ms as f64 / (24 * H) as f64),
    }
}

/// A count with thousands separated: `1,686,135`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

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
