//! Small helpers shared by rules: dates, statement action sets, text of spans.

use crate::catalog::{Action, Catalog};
use crate::policy::{Statement, Str};

/// The environment variable that sets "today" (`YYYY-MM-DD`) instead of the system clock, so
/// that date-dependent output (time-window rules, the data-age warning) can be reproduced and
/// tested; ignored unless it is a valid date.
pub const TODAY_ENV: &str = "IAM_LS_TODAY";

/// Today (UTC) as days since 1970-01-01: `IAM_LS_TODAY` when it holds a date, else the system
/// clock.
pub fn today() -> i64 {
    if let Some(day) = std::env::var(TODAY_ENV)
        .ok()
        .filter(|v| v.len() == 10)
        .and_then(|v| parse_instant(&v))
    {
        return day.div_euclid(86_400);
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    secs.div_euclid(86_400)
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date (year, month, day) of a day number.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// A point in time parsed from a condition value: ISO 8601 (`2026-03-01`,
/// `2026-03-01T12:00:00Z`, with an offset or fraction) or epoch seconds. Returns seconds since
/// 1970-01-01 UTC, or `None` when the text is neither.
pub fn parse_instant(text: &str) -> Option<i64> {
    let t = text.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse().ok();
    }
    let b = t.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let s = t.get(r)?;
        if s.bytes().all(|c| c.is_ascii_digit()) {
            s.parse().ok()
        } else {
            None
        }
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo as u32) as i64 {
        return None;
    }
    let mut secs = days_from_civil(y, mo as u32, d as u32) * 86_400;
    if b.len() == 10 {
        return Some(secs);
    }
    if b[10] != b'T' && b[10] != b't' && b[10] != b' ' {
        return None;
    }
    let (h, mi) = (num(11..13)?, num(14..16)?);
    if b.get(13) != Some(&b':') || h > 23 || mi > 59 {
        return None;
    }
    secs += h * 3600 + mi * 60;
    let mut i = 16;
    if b.get(16) == Some(&b':') {
        let s = num(17..19)?;
        if s > 60 {
            return None;
        }
        secs += s;
        i = 19;
        if b.get(19) == Some(&b'.') {
            i = 20;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
    }
    match b.get(i) {
        None => Some(secs),
        Some(b'Z') | Some(b'z') if i + 1 == b.len() => Some(secs),
        Some(&sign @ (b'+' | b'-')) if b.len() == i + 6 && b[i + 3] == b':' => {
            let off = num(i + 1..i + 3)? * 3600 + num(i + 4..i + 6)? * 60;
            Some(if sign == b'+' { secs - off } else { secs + off })
        }
        _ => None,
    }
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `YYYY-MM-DD` of a day number.
pub fn format_day(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The catalog actions a statement's `Action` strings expand to (wildcards expanded), without
/// duplicates, in catalog order. Unknown names are skipped.
pub fn statement_actions(catalog: &Catalog, statement: &Statement<'_>) -> Vec<Action> {
    let mut out = Vec::new();
    let mut one = Vec::new();
    for a in statement.actions() {
        // `expand_into` clears its vector: expand each entry on its own, then append.
        catalog.expand_into(a.value, &mut one);
        out.append(&mut one);
    }
    out.sort_by_key(|a| a.full_name());
    out.dedup_by_key(|a| a.full_name());
    out
}

/// A name compared ignoring ASCII case, as IAM compares actions, without allocating a lowercase
/// copy: equality, order (the catalog's order) and hash all fold case, so it can key a
/// `HashSet`, `HashMap` or `BTreeSet`.
#[derive(Clone, Copy, Debug)]
pub struct Caseless<'a>(pub &'a str);

impl PartialEq for Caseless<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(other.0)
    }
}

impl Eq for Caseless<'_> {}

impl PartialOrd for Caseless<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Caseless<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        crate::catalog::cmp_ignore_case(self.0, other.0)
    }
}

impl std::hash::Hash for Caseless<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(crate::catalog::hash_name(self.0));
    }
}

/// The span of the string's content (inside the quotes): where a replacement goes.
pub fn content_span(s: &Str<'_>) -> crate::syntax::Span {
    s.content
}

/// `"a", "b" and "c"` for messages.
pub fn list_words<I: IntoIterator<Item = S>, S: AsRef<str>>(items: I) -> String {
    let v: Vec<String> = items.into_iter().map(|s| s.as_ref().to_string()).collect();
    match v.len() {
        0 => String::new(),
        1 => v[0].clone(),
        n => format!("{} and {}", v[..n - 1].join(", "), v[n - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_parse() {
        for d in [-1000, 0, 1, 59, 365, 11_016, 20_513, 100_000] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
        assert_eq!(format_day(0), "1970-01-01");
        assert_eq!(parse_instant("1970-01-02"), Some(86_400));
        assert_eq!(parse_instant("1970-01-01T01:00:00Z"), Some(3600));
        assert_eq!(parse_instant("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(parse_instant("1970-01-01T00:00:01.250Z"), Some(1));
        assert_eq!(parse_instant("1700000000"), Some(1_700_000_000));
        assert_eq!(parse_instant("2026-02-30"), None);
        assert_eq!(parse_instant("2026-13-01"), None);
        assert_eq!(parse_instant("yesterday"), None);
        assert_eq!(
            parse_instant("2024-02-29"),
            Some(days_from_civil(2024, 2, 29) * 86_400)
        );
    }

    #[test]
    fn caseless_names_fold_case_everywhere() {
        use std::collections::{BTreeSet, HashSet};
        let names = [
            "s3:GetObject",
            "S3:GETOBJECT",
            "s3:getobject",
            "s3:Get*",
            "ec2:Run",
        ];
        let hashed: HashSet<Caseless> = names.iter().map(|n| Caseless(n)).collect();
        let ordered: BTreeSet<Caseless> = names.iter().map(|n| Caseless(n)).collect();
        assert_eq!(hashed.len(), 3);
        assert_eq!(ordered.len(), 3);
        let order: Vec<&str> = ordered
            .iter()
            .map(|c| c.0.split(':').next().unwrap_or(""))
            .collect();
        assert_eq!(order, ["ec2", "s3", "s3"]);
        assert!(Caseless("s3:Get*") < Caseless("S3:GETOBJECT"));
        assert_ne!(Caseless("s3:GetObject"), Caseless("s3:GetObjects"));
    }

    #[test]
    fn statement_actions_keeps_every_entry() {
        let text = r#"{"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "sqs:SendMessage", "s3:PutObject"], "Resource": "*"}]}"#;
        let parsed = crate::syntax::parse(text);
        let policy = crate::policy::Policy::from_parse(&parsed);
        let names: Vec<_> = statement_actions(crate::catalog::catalog(), &policy.statements[0])
            .iter()
            .map(|a| a.full_name())
            .collect();
        assert_eq!(names, ["s3:GetObject", "s3:PutObject", "sqs:SendMessage"]);
    }
}
