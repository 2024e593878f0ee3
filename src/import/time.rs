//! Log timestamps: the formats web servers write, turned into UTC milliseconds
//! with the offset they were written in (kept to place the trace's time 0).

use std::fmt::Write as _;

pub const MS_PER_DAY: i64 = 86_400_000;
const MS_PER_MIN: i64 = 60_000;

/// An instant as a log wrote it: UTC milliseconds since 1970 and the UTC
/// offset (in minutes) of the clock that wrote it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    pub utc_ms: i64,
    pub offset_min: i32,
}

impl Stamp {
    /// Local midnight, in this stamp's offset, of the day it falls on (as UTC ms).
    pub fn local_midnight(self) -> i64 {
        let offset_ms = i64::from(self.offset_min) * MS_PER_MIN;
        let local = self.utc_ms + offset_ms;
        local.div_euclid(MS_PER_DAY) * MS_PER_DAY - offset_ms
    }
}

/// Years outside this range are refused: a web log from before 1970 is a broken clock.
const FIRST_YEAR: i64 = 1970;
const LAST_YEAR: i64 = 9999;

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(month) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Local wall-clock fields, checked, turned into a [`Stamp`].
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    milli: u32,
    offset_min: i32,
}

impl Civil {
    fn stamp(&self) -> Result<Stamp, &'static str> {
        if !(FIRST_YEAR..=LAST_YEAR).contains(&self.year) {
            return Err("bad date: the year must be between 1970 and 9999");
        }
        if !(1..=12).contains(&self.month) {
            return Err("bad date: no such month");
        }
        if self.day == 0 || self.day > days_in_month(self.year, self.month) {
            return Err("bad date: no such day in that month");
        }
        // 60 is a leap second; it simply runs into the next minute.
        if self.hour > 23 || self.minute > 59 || self.second > 60 {
            return Err("bad date: no such time of day");
        }
        if self.offset_min.abs() >= 24 * 60 {
            return Err("bad date: UTC offset out of range");
        }
        let days = days_from_civil(self.year, self.month, self.day);
        let local_ms = days * MS_PER_DAY
            + i64::from(self.hour) * 3_600_000
            + i64::from(self.minute) * MS_PER_MIN
            + i64::from(self.second) * 1000
            + i64::from(self.milli);
        let utc_ms = local_ms - i64::from(self.offset_min) * MS_PER_MIN;
        if utc_ms < 0 {
            return Err("bad date: before 1970 in UTC");
        }
        Ok(Stamp {
            utc_ms,
            offset_min: self.offset_min,
        })
    }
}

/// A run of ASCII digits of exactly `bytes.len()` characters.
fn digits(bytes: &[u8]) -> Option<u32> {
    if bytes.is_empty() || bytes.len() > 9 {
        return None;
    }
    let mut n = 0u32;
    for &b in bytes {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u32::from(b - b'0');
    }
    Some(n)
}

fn month_from_abbrev(m: &[u8]) -> Option<u32> {
    const MONTHS: [&[u8; 3]; 12] = [
        b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov",
        b"dec",
    ];
    let lower = [
        m.first()?.to_ascii_lowercase(),
        m.get(1)?.to_ascii_lowercase(),
        m.get(2)?.to_ascii_lowercase(),
    ];
    MONTHS
        .iter()
        .position(|name| **name == lower)
        .map(|i| i as u32 + 1)
}

/// `+hhmm` or `-hhmm` (with `colon`, `+hh:mm`) as minutes east of UTC.
fn offset(bytes: &[u8], colon: bool) -> Option<i32> {
    let (sign, rest) = match bytes.split_first()? {
        (b'+', rest) => (1, rest),
        (b'-', rest) => (-1, rest),
        _ => return None,
    };
    let (hh, mm) = match (colon, rest.len()) {
        (false, 4) => (&rest[..2], &rest[2..]),
        (true, 5) if rest[2] == b':' => (&rest[..2], &rest[3..]),
        _ => return None,
    };
    let (h, m) = (digits(hh)?, digits(mm)?);
    if m > 59 {
        return None;
    }
    Some(sign * (h * 60 + m) as i32)
}

/// The Common Log Format's `17/May/2015:10:05:03 +0000` (the text between the brackets).
pub fn parse_clf(text: &[u8]) -> Result<Stamp, &'static str> {
    const BAD: &str = "bad date: expected dd/Mon/yyyy:HH:MM:SS +hhmm";
    if text.len() != 26
        || text[2] != b'/'
        || text[6] != b'/'
        || text[11] != b':'
        || text[14] != b':'
        || text[17] != b':'
        || text[20] != b' '
    {
        return Err(BAD);
    }
    let field = |range: std::ops::Range<usize>| digits(&text[range]).ok_or(BAD);
    Civil {
        day: field(0..2)?,
        month: month_from_abbrev(&text[3..6]).ok_or("bad date: unknown month name")?,
        year: i64::from(field(7..11)?),
        hour: field(12..14)?,
        minute: field(15..17)?,
        second: field(18..20)?,
        milli: 0,
        offset_min: offset(&text[21..26], false).ok_or("bad date: bad UTC offset")?,
    }
    .stamp()
}

/// RFC 3339 / ISO 8601: `2015-05-17T10:05:03Z`, `2015-05-17 10:05:03.250+02:00`,
/// `...+0200`. A time without an offset is refused: it would be a guess.
pub fn parse_iso(text: &str) -> Result<Stamp, &'static str> {
    const BAD: &str = "bad date: expected yyyy-mm-ddTHH:MM:SS with Z or an offset like +02:00";
    let b = text.trim().as_bytes();
    if b.len() < 19
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return Err(BAD);
    }
    let field = |range: std::ops::Range<usize>| digits(&b[range]).ok_or(BAD);
    let mut rest = &b[19..];
    let mut milli = 0;
    if let Some((b'.' | b',', frac)) = rest.split_first() {
        let len = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if len == 0 {
            return Err(BAD);
        }
        // Keep milliseconds; finer digits are cut off, not rounded.
        let mut ms = 0;
        for i in 0..3 {
            ms = ms * 10
                + frac
                    .get(i)
                    .filter(|_| i < len)
                    .map_or(0, |d| u32::from(d - b'0'));
        }
        milli = ms;
        rest = &frac[len..];
    }
    let offset_min = match rest {
        b"" => return Err("bad date: no UTC offset (add Z or one like +02:00 after the time)"),
        b"Z" | b"z" => 0,
        _ => offset(rest, rest.len() == 6)
            .ok_or("bad date: expected Z or a UTC offset like +02:00 after the time")?,
    };
    Civil {
        year: i64::from(field(0..4)?),
        month: field(5..7)?,
        day: field(8..10)?,
        hour: field(11..13)?,
        minute: field(14..16)?,
        second: field(17..19)?,
        milli,
        offset_min,
    }
    .stamp()
}

/// Seconds since 1970 in UTC, possibly with a fraction: `1431857103.25`.
pub fn parse_unix_seconds(text: &str) -> Result<Stamp, &'static str> {
    const BAD: &str = "bad date: expected Unix seconds such as 1431857103.25";
    let text = text.trim();
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() || whole.len() > 12 || !whole.bytes().all(|c| c.is_ascii_digit()) {
        return Err(BAD);
    }
    if !frac.bytes().all(|c| c.is_ascii_digit()) {
        return Err(BAD);
    }
    let secs: i64 = whole.parse().map_err(|_| BAD)?;
    let mut ms = 0i64;
    for i in 0..3 {
        ms = ms * 10 + frac.as_bytes().get(i).map_or(0, |d| i64::from(d - b'0'));
    }
    let utc_ms = secs * 1000 + ms;
    if utc_ms >= days_from_civil(LAST_YEAR + 1, 1, 1) * MS_PER_DAY {
        return Err("bad date: the year must be between 1970 and 9999");
    }
    Ok(Stamp {
        utc_ms,
        offset_min: 0,
    })
}

/// Any of the textual forms: ISO 8601, the CLF date, or Unix seconds.
pub fn parse_any(text: &str) -> Result<Stamp, &'static str> {
    let t = text.trim();
    let b = t.as_bytes();
    if b.len() == 26 && b.get(2) == Some(&b'/') {
        parse_clf(b)
    } else if b.len() > 4 && b[4] == b'-' {
        parse_iso(t)
    } else if !t.is_empty() && b.iter().all(|c| c.is_ascii_digit() || *c == b'.') {
        parse_unix_seconds(t)
    } else {
        Err(
            "bad date: expected ISO 8601 (2015-05-17T10:05:03Z), dd/Mon/yyyy:HH:MM:SS +hhmm or Unix seconds",
        )
    }
}

/// `2015-05-17 10:05:03 +0000`: an instant shown in the given offset.
pub fn format_local(utc_ms: i64, offset_min: i32) -> String {
    let local = utc_ms + i64::from(offset_min) * MS_PER_MIN;
    let days = local.div_euclid(MS_PER_DAY);
    let ms_of_day = local.rem_euclid(MS_PER_DAY);
    let (y, m, d) = civil_from_days(days);
    let secs = ms_of_day / 1000;
    let mut out = format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    );
    if ms_of_day % 1000 != 0 {
        let _ = write!(out, ".{:03}", ms_of_day % 1000);
    }
    let sign = if offset_min < 0 { '-' } else { '+' };
    let abs = offset_min.unsigned_abs();
    let _ = write!(out, " {sign}{:02}{:02}", abs / 60, abs % 60);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days_round_trip_known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        // 2015-05-17 is day 16 572: 45 years of 365 days plus 11 leap days, plus 136 days.
        assert_eq!(days_from_civil(2015, 5, 17), 45 * 365 + 11 + 136);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        for days in [0, 59, 60, 11_016, 11_017, 16_572, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(16_572), (2015, 5, 17));
    }

    #[test]
    fn clf_dates_honour_the_offset() {
        let s = parse_clf(b"17/May/2015:10:05:03 +0000").expect("valid");
        assert_eq!(s.utc_ms, (16_572 * 86_400 + 10 * 3600 + 5 * 60 + 3) * 1000);
        assert_eq!(s.offset_min, 0);
        // 12:05:03 at +02:00 is the same instant as 10:05:03 UTC.
        let t = parse_clf(b"17/May/2015:12:05:03 +0200").expect("valid");
        assert_eq!((t.utc_ms, t.offset_min), (s.utc_ms, 120));
        let w = parse_clf(b"17/May/2015:05:35:03 -0430").expect("valid");
        assert_eq!((w.utc_ms, w.offset_min), (s.utc_ms, -270));
    }

    #[test]
    fn clf_refuses_impossible_dates() {
        for (text, why) in [
            (&b"31/Apr/2015:10:05:03 +0000"[..], "no such day"),
            (b"29/Feb/2015:10:05:03 +0000", "no such day"),
            (b"17/Mai/2015:10:05:03 +0000", "unknown month"),
            (b"17/May/2015:24:05:03 +0000", "no such time"),
            (b"17/May/2015:10:05:03 +00x0", "bad UTC offset"),
            (b"17/May/2015:10:05:0", "expected dd/Mon"),
            (b"17/May/1969:10:05:03 +0000", "between 1970"),
        ] {
            let e = parse_clf(text).unwrap_err();
            assert!(e.contains(why), "{}: {e}", String::from_utf8_lossy(text));
        }
        assert!(parse_clf(b"29/Feb/2016:10:05:03 +0000").is_ok());
    }

    #[test]
    fn iso_dates_with_fractions_and_offsets() {
        let base = parse_clf(b"17/May/2015:10:05:03 +0000")
            .expect("valid")
            .utc_ms;
        let z = parse_iso("2015-05-17T10:05:03Z").expect("valid");
        assert_eq!((z.utc_ms, z.offset_min), (base, 0));
        let f = parse_iso("2015-05-17 12:05:03.2567+02:00").expect("valid");
        assert_eq!((f.utc_ms, f.offset_min), (base + 256, 120));
        let n = parse_iso("2015-05-17T09:05:03-0100").expect("valid");
        assert_eq!((n.utc_ms, n.offset_min), (base, -60));
        assert_eq!(
            parse_iso("2015-05-17T10:05:03"),
            Err("bad date: no UTC offset (add Z or one like +02:00 after the time)")
        );
        assert!(parse_iso("2015-13-17T10:05:03Z").is_err());
    }

    #[test]
    fn unix_seconds_and_any() {
        let s = parse_unix_seconds("1431857103.25").expect("valid");
        assert_eq!((s.utc_ms, s.offset_min), (1_431_857_103_250, 0));
        assert_eq!(
            parse_any("1431857103").expect("valid").utc_ms,
            1_431_857_103_000
        );
        assert_eq!(
            parse_any("17/May/2015:10:05:03 +0000")
                .expect("valid")
                .utc_ms,
            1_431_857_103_000
        );
        assert!(parse_any("yesterday").is_err());
        assert!(parse_any("-5").is_err());
    }

    #[test]
    fn local_midnight_is_in_the_writers_offset() {
        // 01:30 at +02:00 is 23:30 UTC the day before; midnight is local.
        let s = parse_clf(b"18/May/2015:01:30:00 +0200").expect("valid");
        let m = s.local_midnight();
        assert_eq!(format_local(m, 120), "2015-05-18 00:00:00 +0200");
        assert_eq!(format_local(m, 0), "2015-05-17 22:00:00 +0000");
        assert_eq!(
            format_local(1_431_857_103_250, -270),
            "2015-05-17 05:35:03.250 -0430"
        );
    }
}
