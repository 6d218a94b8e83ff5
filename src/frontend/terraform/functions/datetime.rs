//! `timeadd`, `timecmp` and `formatdate` on RFC 3339 timestamps, as Go's `time` package reads
//! and writes them (the offset a timestamp is written in is kept; fractions of a second are
//! read and dropped on output). `timestamp()` and `plantimestamp()` themselves are unknowable.

use super::{Res, arity, fail, str_arg};
use crate::calendar::{civil_from_days, days_from_civil};
use crate::value::Value;
use std::fmt::Write as _;

/// A moment as written: its local date and time and its offset from UTC.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Timestamp {
    /// Seconds since 1970-01-01T00:00:00 in local time (UTC plus the offset).
    local: i64,
    nanos: u32,
    offset: i32,
}

impl Timestamp {
    fn utc(&self) -> (i64, u32) {
        (self.local - i64::from(self.offset), self.nanos)
    }
}

pub(super) fn days_in_month(year: i64, month: u32) -> u32 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Go's `time.Parse(time.RFC3339, s)`: `YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)`.
fn parse(s: &str) -> Result<Timestamp, String> {
    let bad = || format!("not a valid RFC3339 timestamp: {s:?}");
    let b = s.as_bytes();
    let digits = |from: usize, n: usize| -> Result<i64, String> {
        let part = b.get(from..from + n).ok_or_else(bad)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return Err(bad());
        }
        Ok(part.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
    };
    let expect = |at: usize, c: u8| (b.get(at) == Some(&c)).then_some(()).ok_or_else(bad);
    let year = digits(0, 4)?;
    expect(4, b'-')?;
    let month = digits(5, 2)? as u32;
    expect(7, b'-')?;
    let day = digits(8, 2)? as u32;
    expect(10, b'T')?;
    let hour = digits(11, 2)?;
    expect(13, b':')?;
    let minute = digits(14, 2)?;
    expect(16, b':')?;
    let second = digits(17, 2)?;
    let mut at = 19;
    let mut nanos = 0u32;
    if b.get(at) == Some(&b'.') {
        let count = b[at + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if count == 0 || count > 9 {
            return Err(bad());
        }
        let fraction = digits(at + 1, count)?;
        nanos = (fraction * 10i64.pow(9 - count as u32)) as u32;
        at += 1 + count;
    }
    let offset = match b.get(at) {
        Some(b'Z') if at + 1 == b.len() => 0,
        Some(sign @ (b'+' | b'-')) if at + 6 == b.len() => {
            expect(at + 3, b':')?;
            let (h, m) = (digits(at + 1, 2)?, digits(at + 4, 2)?);
            if h >= 24 || m >= 60 {
                return Err(bad());
            }
            let magnitude = (h * 3600 + m * 60) as i32;
            if *sign == b'-' { -magnitude } else { magnitude }
        }
        _ => return Err(bad()),
    };
    if !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return Err(format!("{s:?} is out of range"));
    }
    Ok(Timestamp {
        local: days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second,
        nanos,
        offset,
    })
}

/// Go's `time.ParseDuration`, in nanoseconds: `[-+]` then numbers with units, like `1h30m`.
fn parse_duration(s: &str) -> Result<i128, String> {
    let bad = || format!("invalid duration {s:?}");
    let (negative, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(bad());
    }
    let mut total: i128 = 0;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| format!("missing unit in duration {s:?}"))?;
        let number = &rest[..number_len];
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return Err(bad());
        }
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale: i128 = match &rest[..unit_len] {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            "" => return Err(format!("missing unit in duration {s:?}")),
            unit => return Err(format!("unknown unit {unit:?} in duration {s:?}")),
        };
        rest = &rest[unit_len..];
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        let whole: i128 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| bad())?
        };
        let mut part = whole.checked_mul(scale).ok_or_else(bad)?;
        // Go keeps a fraction's digits while they matter at this unit, truncating the rest.
        let mut place = scale;
        for d in fraction.bytes() {
            place /= 10;
            part += i128::from(d - b'0') * place;
        }
        total += part;
        if total > i128::from(i64::MAX) {
            return Err(bad());
        }
    }
    Ok(if negative { -total } else { total })
}

/// Go's RFC 3339 output: no fraction, `Z` for a zero offset.
fn format_rfc3339(t: &Timestamp) -> Result<String, String> {
    let (year, month, day) = civil_from_days(t.local.div_euclid(86_400));
    if !(0..=9999).contains(&year) {
        return Err("the result is outside years 0 to 9999".into());
    }
    let secs = t.local.rem_euclid(86_400);
    let mut out = format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    );
    let _ = push_offset(&mut out, t.offset, true, "Z");
    Ok(out)
}

/// `±hh:mm` or `±hhmm`, or `utc` (when not empty) for a zero offset.
fn push_offset(out: &mut String, offset: i32, colon: bool, utc: &str) -> std::fmt::Result {
    if offset == 0 && !utc.is_empty() {
        out.push_str(utc);
        return Ok(());
    }
    let sign = if offset < 0 { '-' } else { '+' };
    let (h, m) = (offset.abs() / 3600, offset.abs() / 60 % 60);
    match colon {
        true => write!(out, "{sign}{h:02}:{m:02}"),
        false => write!(out, "{sign}{h:02}{m:02}"),
    }
}

pub(super) fn timeadd(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    let t = parse(&str_arg(f, a, 0)?).map_err(|e| fail(f, e))?;
    let d = parse_duration(&str_arg(f, a, 1)?).map_err(|e| fail(f, e))?;
    let nanos = i128::from(t.nanos) + d;
    let moved = Timestamp {
        local: t.local + nanos.div_euclid(1_000_000_000) as i64,
        nanos: nanos.rem_euclid(1_000_000_000) as u32,
        offset: t.offset,
    };
    format_rfc3339(&moved)
        .map(Value::String)
        .map_err(|e| Value::unknown(format!("`{f}()`: {e}")))
}

pub(super) fn timecmp(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    let x = parse(&str_arg(f, a, 0)?).map_err(|e| fail(f, e))?;
    let y = parse(&str_arg(f, a, 1)?).map_err(|e| fail(f, e))?;
    Ok(Value::Number(match x.utc().cmp(&y.utc()) {
        std::cmp::Ordering::Less => -1.0,
        std::cmp::Ordering::Equal => 0.0,
        std::cmp::Ordering::Greater => 1.0,
    }))
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = [
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
];

/// cty's `formatdate` spec: runs of one letter are fields (`YYYY`, `MMM`, `hh`, `ZZZZZ`...),
/// quoted text is literal (`''` is a quote), other characters are copied.
pub(super) fn formatdate(f: &str, a: &[Value]) -> Res {
    arity(f, a, 2, 2)?;
    let spec = str_arg(f, a, 0)?;
    let t = parse(&str_arg(f, a, 1)?).map_err(|e| fail(f, e))?;
    let days = t.local.div_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let secs = t.local.rem_euclid(86_400);
    let (hour, minute, second) = (secs / 3600, secs / 60 % 60, secs % 60);
    let hour12 = if hour % 12 == 0 { 12 } else { hour % 12 };
    let weekday = WEEKDAYS[days.rem_euclid(7) as usize];
    let month_name = MONTHS[month as usize - 1];
    let chars: Vec<char> = spec.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            // Literal text up to the closing quote; a doubled quote is one quote.
            i += 1;
            if chars.get(i) == Some(&'\'') {
                out.push('\'');
                i += 1;
                continue;
            }
            loop {
                match chars.get(i) {
                    None => return Err(fail(f, "unterminated literal '")),
                    Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                        out.push('\'');
                        i += 2;
                    }
                    Some('\'') => {
                        i += 1;
                        break;
                    }
                    Some(&other) => {
                        out.push(other);
                        i += 1;
                    }
                }
            }
            continue;
        }
        if !c.is_ascii_alphabetic() {
            out.push(c);
            i += 1;
            continue;
        }
        let run = chars[i..].iter().take_while(|&&x| x == c).count();
        let token: String = chars[i..i + run].iter().collect();
        i += run;
        let _ = match (c, run) {
            ('Y', 4) => write!(out, "{year:04}"),
            ('Y', 2) => write!(out, "{:02}", year.rem_euclid(100)),
            ('M', 4) => write!(out, "{month_name}"),
            ('M', 3) => write!(out, "{}", &month_name[..3]),
            ('M', 2) => write!(out, "{month:02}"),
            ('M', 1) => write!(out, "{month}"),
            ('D', 2) => write!(out, "{day:02}"),
            ('D', 1) => write!(out, "{day}"),
            ('E', 4) => write!(out, "{weekday}"),
            ('E', 3) => write!(out, "{}", &weekday[..3]),
            ('h', 2) => write!(out, "{hour:02}"),
            ('h', 1) => write!(out, "{hour}"),
            ('H', 2) => write!(out, "{hour12:02}"),
            ('H', 1) => write!(out, "{hour12}"),
            ('A', 2) => write!(out, "{}", if hour < 12 { "AM" } else { "PM" }),
            ('a', 2) => write!(out, "{}", if hour < 12 { "am" } else { "pm" }),
            ('m', 2) => write!(out, "{minute:02}"),
            ('m', 1) => write!(out, "{minute}"),
            ('s', 2) => write!(out, "{second:02}"),
            ('s', 1) => write!(out, "{second}"),
            ('Z', 5) => push_offset(&mut out, t.offset, true, ""),
            ('Z', 4) => push_offset(&mut out, t.offset, false, ""),
            ('Z', 3) => push_offset(&mut out, t.offset, false, "UTC"),
            ('Z', 1) => push_offset(&mut out, t.offset, true, "Z"),
            _ => return Err(fail(f, format!("invalid date format verb {token:?}"))),
        };
    }
    Ok(Value::String(out))
}

#[cfg(test)]
mod tests {
    use super::super::call;
    use super::*;

    #[test]
    fn timeadd_keeps_the_offset_and_drops_the_fraction() {
        // Terraform's documented example.
        assert_eq!(
            call(
                "timeadd",
                vec![Value::str("2017-11-22T00:00:00Z"), Value::str("10m")]
            ),
            Value::str("2017-11-22T00:10:00Z")
        );
        assert_eq!(
            call(
                "timeadd",
                vec![
                    Value::str("2017-11-22T23:30:00.75+01:00"),
                    Value::str("1h0.5s")
                ]
            ),
            Value::str("2017-11-23T00:30:01+01:00")
        );
        assert_eq!(
            call(
                "timeadd",
                vec![Value::str("2024-03-01T00:00:00-05:30"), Value::str("-24h")]
            ),
            Value::str("2024-02-29T00:00:00-05:30")
        );
        assert_eq!(
            call(
                "timeadd",
                vec![Value::str("2024-01-01T00:00:00+00:00"), Value::str("1.5h")]
            ),
            Value::str("2024-01-01T01:30:00Z")
        );
        for (ts, d) in [
            ("2017-11-22", "1h"),
            ("2017-02-29T00:00:00Z", "1h"),
            ("2017-11-22T00:00:00Z", "10"),
            ("2017-11-22T00:00:00Z", "1y"),
            ("2017-11-22T00:00:00z", "1h"),
        ] {
            let v = call("timeadd", vec![Value::str(ts), Value::str(d)]);
            assert!(
                v.first_unknown().is_some_and(|u| u.is_error()),
                "{ts} {d}: {v:?}"
            );
        }
    }

    #[test]
    fn timecmp_compares_instants() {
        assert_eq!(
            call(
                "timecmp",
                vec![
                    Value::str("2017-11-22T00:00:00Z"),
                    Value::str("2017-11-22T01:00:00+01:00")
                ]
            ),
            Value::Number(0.0)
        );
        assert_eq!(
            call(
                "timecmp",
                vec![
                    Value::str("2017-11-22T00:00:00Z"),
                    Value::str("2017-11-22T00:00:00.1Z")
                ]
            ),
            Value::Number(-1.0)
        );
        assert_eq!(
            call(
                "timecmp",
                vec![
                    Value::str("2018-01-01T00:00:00Z"),
                    Value::str("2017-12-31T21:00:00-02:00")
                ]
            ),
            Value::Number(1.0)
        );
    }

    #[test]
    fn formatdate_fields_literals_and_offsets() {
        // Terraform's documented examples.
        let ts = Value::str("2018-01-02T23:12:01Z");
        for (spec, want) in [
            ("DD MMM YYYY hh:mm ZZZ", "02 Jan 2018 23:12 UTC"),
            (
                "EEEE, DD-MMM-YY hh:mm:ss ZZZ",
                "Tuesday, 02-Jan-18 23:12:01 UTC",
            ),
            (
                "EEE, DD MMM YYYY hh:mm:ss ZZZ",
                "Tue, 02 Jan 2018 23:12:01 UTC",
            ),
            ("MMM DD, YYYY", "Jan 02, 2018"),
            ("HH:mmaa", "11:12pm"),
            ("h 'o''clock' Z", "23 o'clock Z"),
        ] {
            assert_eq!(
                call("formatdate", vec![Value::str(spec), ts.clone()]),
                Value::str(want),
                "{spec}"
            );
        }
        assert_eq!(
            call(
                "formatdate",
                vec![
                    Value::str("ZZZZZ ZZZZ ZZZ Z MMMM D"),
                    Value::str("2018-03-09T05:06:07-08:00")
                ]
            ),
            Value::str("-08:00 -0800 -0800 -08:00 March 9")
        );
        for spec in ["YYYYY", "T", "'open"] {
            let v = call("formatdate", vec![Value::str(spec), ts.clone()]);
            assert!(
                v.first_unknown().is_some_and(|u| u.is_error()),
                "{spec}: {v:?}"
            );
        }
    }
}
