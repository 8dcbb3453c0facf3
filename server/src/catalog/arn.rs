//! Matching a policy's ARN (which may contain `*`, `?` and policy variables) against the ARN
//! patterns of resource types (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`).
//!
//! Both sides are patterns, so the question is whether some concrete ARN satisfies both. Each is
//! turned into tokens (a literal byte, one character from a class, a run of characters from a
//! class) and a dynamic programme over (policy position, pattern position) decides whether the
//! two languages intersect.
//!
//! What a `${Placeholder}` of a resource pattern may contain decides which types an ARN can
//! denote. A placeholder stands for one or more characters other than `/` and `:`, so that
//! `my-bucket/*` is an S3 object and not a bucket. The exception is a placeholder that ends the
//! pattern when no other pattern of the same service continues that pattern with `/` or `:`:
//! it may span separators, so `role/${RoleNameWithPath}` matches `role/team/admin` and
//! `${BucketName}/${ObjectName}` matches keys with slashes, while the S3 bucket's
//! `${BucketName}` (continued by the object pattern) stays one segment, and so does Lambda's
//! `function:${FunctionName}` (continued by the alias and version patterns). A literal `*` in
//! a published pattern matches anything.
//!
//! Literal characters compare case-sensitively: resource ARNs are case-sensitive in IAM.

use super::Service;

/// Which characters a token accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    /// Any character.
    Any,
    /// Any character except `/` and `:`.
    Segment,
}

impl Class {
    fn accepts(self, c: u8) -> bool {
        match self {
            Class::Any => true,
            Class::Segment => c != b'/' && c != b':',
        }
    }
}

/// One token of an ARN, or of a part of one, as a pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tok {
    /// Exactly this byte.
    Lit(u8),
    /// One character of the class.
    One(Class),
    /// Zero or more characters of the class.
    Star(Class),
}

impl Tok {
    /// Whether some single character satisfies both single-character tokens.
    fn overlaps(self, other: Tok) -> bool {
        match (self, other) {
            (Tok::Lit(a), Tok::Lit(b)) => a == b,
            (Tok::Lit(c), Tok::One(k) | Tok::Star(k))
            | (Tok::One(k) | Tok::Star(k), Tok::Lit(c)) => k.accepts(c),
            // Both classes contain ordinary letters.
            _ => true,
        }
    }
}

/// Tokens of a policy ARN: `*` any run, `?` one character, a policy variable any run (its value
/// is unknown), `${*}` `${?}` `${$}` the literal character. In the partition, service, region
/// and account fields a run stays within its field (IAM matches those fields one by one);
/// in the resource part, or in the last field of a truncated ARN such as `*`, it may span
/// anything.
pub(crate) fn policy_tokens(arn: &str) -> Vec<Tok> {
    let b = arn.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut colons_before = 0usize;
    let last_colon = b.iter().rposition(|&c| c == b':');
    let mut i = 0;
    while i < b.len() {
        let in_header_field = colons_before < 5 && last_colon.is_some_and(|at| at >= i);
        let run = if in_header_field {
            Tok::Star(Class::Segment)
        } else {
            Tok::Star(Class::Any)
        };
        match b[i] {
            b'*' => out.push(run),
            b'?' => out.push(Tok::One(Class::Any)),
            b'$' if b.get(i + 1) == Some(&b'{') => {
                if let Some(close) = b[i + 2..].iter().position(|&c| c == b'}') {
                    let inner = &b[i + 2..i + 2 + close];
                    match inner {
                        b"*" | b"?" | b"$" => out.push(Tok::Lit(inner[0])),
                        _ => out.push(run),
                    }
                    i += close + 3;
                    continue;
                }
                out.push(Tok::Lit(b'$'));
            }
            c => {
                if c == b':' {
                    colons_before += 1;
                }
                out.push(Tok::Lit(c));
            }
        }
        i += 1;
    }
    out
}

/// Tokens of a published resource ARN pattern.
pub(crate) fn pattern_tokens(pattern: &str, tail_spans_separators: bool) -> Vec<Tok> {
    let b = pattern.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if let Some(len) = placeholder_len(&b[i..]) {
            let end = i + len;
            let class = if end == b.len() && tail_spans_separators {
                Class::Any
            } else {
                Class::Segment
            };
            out.push(Tok::One(class));
            out.push(Tok::Star(class));
            i = end;
            continue;
        }
        out.push(match b[i] {
            b'*' => Tok::Star(Class::Any),
            c => Tok::Lit(c),
        });
        i += 1;
    }
    out
}

/// Whether the policy ARN `arn` and the resource pattern `pattern` can denote the same ARN.
/// `tail_spans_separators` lets a final placeholder contain `/` and `:` (see the module docs and
/// [`tail_may_span_separators`]).
pub fn matches(arn: &str, pattern: &str, tail_spans_separators: bool) -> bool {
    let u = policy_tokens(arn);
    let p = pattern_tokens(pattern, tail_spans_separators);
    intersects(&u, &p)
}

/// Whether some text matches both token sequences. A dynamic programme over (position in `u`,
/// position in `p`): row by row over `u`, each row a bit set over `p` when one side has fewer
/// than 128 tokens (the catalog's patterns always have), the whole table otherwise.
pub(crate) fn intersects(u: &[Tok], p: &[Tok]) -> bool {
    // Literal tokens that both begin with (or both end with) match each other and nothing
    // else: only what lies between them needs the programme (`log-group:/aws/*` against
    // `log-group:*` leaves `/aws/*` against `*`).
    let same_literal = |(x, y): &(&Tok, &Tok)| matches!(x, Tok::Lit(_)) && x == y;
    let head = u.iter().zip(p).take_while(same_literal).count();
    let (u, p) = (&u[head..], &p[head..]);
    let tail = u
        .iter()
        .rev()
        .zip(p.iter().rev())
        .take_while(same_literal)
        .count();
    let (u, p) = (&u[..u.len() - tail], &p[..p.len() - tail]);
    const ANYTHING: [Tok; 1] = [Tok::Star(Class::Any)];
    if u == ANYTHING || p == ANYTHING {
        return true;
    }
    if p.len() < 128 {
        intersects_by_rows(u, p)
    } else if u.len() < 128 {
        // The question is symmetric.
        intersects_by_rows(p, u)
    } else {
        intersects_by_table(u, p)
    }
}

/// Whether a run token `x` of `u` (or a run in `p` at `y`) lets a match stay on row `x` while
/// `p` moves past `y`.
fn moves_along(x: Option<Tok>, y: Tok) -> bool {
    match (x, y) {
        (_, Tok::Star(_)) => true,
        (Some(x @ Tok::Star(_)), y) => x.overlaps(y),
        _ => false,
    }
}

/// [`intersects`] with row `i` held as the bit set of the positions `j` of `p` such that the
/// first `i` tokens of `u` and the first `j` of `p` can match the same text; `p.len() < 128`.
/// Only the set bits are visited.
fn intersects_by_rows(u: &[Tok], p: &[Tok]) -> bool {
    let m = p.len();
    // The positions that have a token after them.
    let inner: u128 = (1 << m) - 1;
    let mut row: u128 = 1;
    let mut i = 0;
    loop {
        // Moves within the row, left to right: a run of `p` ends, or a run of `u` takes a
        // character of `p`.
        let x = u.get(i).copied();
        let mut todo = row & inner;
        while todo != 0 {
            let j = todo.trailing_zeros() as usize;
            todo &= todo - 1;
            let bit = 1 << (j + 1);
            if row & bit == 0 && moves_along(x, p[j]) {
                row |= bit;
                todo |= bit & inner;
            }
        }
        let Some(x) = x else {
            return (row >> m) & 1 == 1;
        };
        // Moves to the next row: a run of `u` ends (same `j`), or `u`'s single character is
        // taken by a literal or `?` of `p` (next `j`) or by a run of `p` (same `j`).
        if !matches!(x, Tok::Star(_)) {
            let mut next: u128 = 0;
            let mut todo = row & inner;
            while todo != 0 {
                let j = todo.trailing_zeros() as usize;
                todo &= todo - 1;
                if x.overlaps(p[j]) {
                    next |= if matches!(p[j], Tok::Star(_)) {
                        1 << j
                    } else {
                        1 << (j + 1)
                    };
                }
            }
            row = next;
            if row == 0 {
                return false;
            }
        }
        i += 1;
    }
}

/// [`intersects`] over the whole table, for two long sequences.
fn intersects_by_table(u: &[Tok], p: &[Tok]) -> bool {
    let width = p.len() + 1;
    let mut reach = vec![false; (u.len() + 1) * width];
    reach[0] = true;
    for i in 0..=u.len() {
        for j in 0..=p.len() {
            if !reach[i * width + j] {
                continue;
            }
            if i == u.len() && j == p.len() {
                return true;
            }
            let a = u.get(i).copied();
            let b = p.get(j).copied();
            // A run on either side may end here.
            if let Some(Tok::Star(_)) = a {
                reach[(i + 1) * width + j] = true;
            }
            if let Some(Tok::Star(_)) = b {
                reach[i * width + j + 1] = true;
            }
            // Consume one character on both sides; a run stays where it is.
            if let (Some(a), Some(b)) = (a, b)
                && a.overlaps(b)
            {
                let ni = if matches!(a, Tok::Star(_)) { i } else { i + 1 };
                let nj = if matches!(b, Tok::Star(_)) { j } else { j + 1 };
                if (ni, nj) != (i, j) {
                    reach[ni * width + nj] = true;
                }
            }
        }
    }
    false
}

/// Whether the final placeholder of `pattern` may span `/` and `:`: true unless some pattern of
/// the same service's resource types continues `pattern` with a `/` or `:` (placeholder names
/// are ignored in the comparison). False when the pattern does not end with a placeholder.
pub fn tail_may_span_separators(pattern: &str, service: Service) -> bool {
    if !pattern.ends_with('}') {
        return false;
    }
    !service
        .resource_types()
        .flat_map(|rt| rt.arn_patterns())
        .any(|other| matches!(continues(other, pattern), Some(b'/' | b':')))
}

/// [`tail_may_span_separators`] for every pattern of one service's resource types at once
/// (`patterns` holds them all): each pattern is compared with the others once, as text where
/// every placeholder is folded into one byte, instead of walking placeholders pair by pair.
pub(crate) fn tails_may_span_separators(patterns: &[&str]) -> Vec<bool> {
    let folded: Vec<Vec<u8>> = patterns.iter().map(|p| fold_placeholders(p)).collect();
    patterns
        .iter()
        .zip(&folded)
        .map(|(pattern, prefix)| {
            pattern.ends_with('}')
                && !folded.iter().any(|other| {
                    let next = other
                        .strip_prefix(prefix.as_slice())
                        .and_then(|r| r.first());
                    matches!(next, Some(b'/' | b':'))
                })
        })
        .collect()
}

/// `pattern` with each `${...}` placeholder replaced by a NUL byte (which no pattern contains),
/// so that [`continues`] becomes a plain prefix test.
fn fold_placeholders(pattern: &str) -> Vec<u8> {
    let b = pattern.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match placeholder_len(&b[i..]) {
            Some(len) => {
                out.push(0);
                i += len;
            }
            None => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    out
}

/// If `longer` starts with `prefix` (treating any two placeholders as equal), the byte of
/// `longer` right after the shared part.
fn continues(longer: &str, prefix: &str) -> Option<u8> {
    let (l, p) = (longer.as_bytes(), prefix.as_bytes());
    let (mut i, mut j) = (0, 0);
    while j < p.len() {
        let lp = placeholder_len(&l[i..]);
        let pp = placeholder_len(&p[j..]);
        match (lp, pp) {
            (Some(a), Some(b)) => {
                i += a;
                j += b;
            }
            (None, None) if l.get(i) == Some(&p[j]) => {
                i += 1;
                j += 1;
            }
            _ => return None,
        }
    }
    l.get(i).copied()
}

/// Length of a `${...}` at the start of `s`.
fn placeholder_len(s: &[u8]) -> Option<usize> {
    if s.starts_with(b"${") {
        s.iter().position(|&c| c == b'}').map(|close| close + 1)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUCKET: &str = "arn:${Partition}:s3:::${BucketName}";
    const OBJECT: &str = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";

    #[test]
    fn concrete_arns() {
        assert!(matches("arn:aws:s3:::my-bucket", BUCKET, false));
        assert!(!matches("arn:aws:s3:::my-bucket/key", BUCKET, false));
        assert!(matches("arn:aws:s3:::my-bucket/a/b/c.txt", OBJECT, true));
        assert!(!matches("arn:aws:s3:::my-bucket", OBJECT, true));
        // Region and account must be empty where the pattern has none.
        assert!(!matches("arn:aws:s3:us-east-1::my-bucket", BUCKET, false));
        // Literals are case-sensitive.
        assert!(!matches("arn:aws:S3:::my-bucket", BUCKET, false));
    }

    #[test]
    fn wildcard_arns() {
        assert!(matches("arn:aws:s3:::my-bucket/*", OBJECT, true));
        assert!(!matches("arn:aws:s3:::my-bucket/*", BUCKET, false));
        assert!(matches("arn:aws:s3:::my-bucket*", BUCKET, false));
        assert!(matches("arn:aws:s3:::my-bucket*", OBJECT, true));
        assert!(matches("*", BUCKET, false));
        assert!(matches("arn:*:s3:::*", OBJECT, true));
        assert!(matches("arn:aws:s3:::?", BUCKET, false));
        assert!(!matches("arn:aws:s3:::", BUCKET, false));
        assert!(matches("arn:aws:s3:::home/${aws:username}/*", OBJECT, true));
        assert!(!matches("arn:aws:ec2:*:*:instance/*", BUCKET, false));
        // A `*` in the account field stays in that field.
        let role = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}";
        let user = "arn:${Partition}:iam::${Account}:user/${UserNameWithPath}";
        assert!(matches("arn:aws:iam::*:role/*", role, true));
        assert!(!matches("arn:aws:iam::*:role/*", user, true));
        // A truncated ARN's last `*` reaches everything after it.
        assert!(matches("arn:*", user, true));
        assert!(matches("arn:aws:iam::*", user, true));
    }

    #[test]
    fn policy_variable_literals() {
        assert!(matches("arn:aws:s3:::b/${*}", OBJECT, true));
        // `${*}` is a literal asterisk: a bucket named "b*", not a wildcard reaching objects.
        assert!(matches("arn:aws:s3:::b${*}", BUCKET, false));
        assert!(!matches("arn:aws:s3:::b${*}", OBJECT, true));
    }

    #[test]
    fn published_wildcards() {
        let p = "arn:${Partition}:dms:${Region}:${Account}:endpoint:*";
        assert!(matches(
            "arn:aws:dms:us-east-1:123456789012:endpoint:ABC",
            p,
            false
        ));
        assert!(!matches(
            "arn:aws:dms:us-east-1:123456789012:cert:ABC",
            p,
            false
        ));
    }

    #[test]
    fn rows_and_table_agree() {
        // Every pair of sequences of up to three tokens over a small alphabet.
        let alphabet = [
            Tok::Lit(b'a'),
            Tok::Lit(b'/'),
            Tok::One(Class::Any),
            Tok::One(Class::Segment),
            Tok::Star(Class::Any),
            Tok::Star(Class::Segment),
        ];
        let mut seqs: Vec<Vec<Tok>> = vec![Vec::new()];
        for len in 1..=3 {
            let mut more = Vec::new();
            for s in seqs.iter().filter(|s| s.len() == len - 1) {
                for &t in &alphabet {
                    let mut longer = s.clone();
                    longer.push(t);
                    more.push(longer);
                }
            }
            seqs.extend(more);
        }
        let mut both = 0;
        for u in &seqs {
            for p in &seqs {
                let expected = intersects_by_table(u, p);
                assert_eq!(intersects_by_rows(u, p), expected, "{u:?} {p:?}");
                assert_eq!(intersects(u, p), expected, "{u:?} {p:?}");
                both += usize::from(expected);
            }
        }
        // Both answers occur.
        assert!(both > 0 && both < seqs.len() * seqs.len());
        // Long sequences on both sides take the table.
        let long = vec![Tok::Lit(b'a'); 200];
        assert!(intersects(&long, &long));
        assert!(!intersects(&long, &long[1..]));
        let mut starry = long.clone();
        starry[100] = Tok::Star(Class::Any);
        assert!(intersects(&long, &starry));
        assert!(intersects(&starry, &long[1..]));
    }

    #[test]
    fn tails_in_bulk_agree_with_one_by_one() {
        let catalog = crate::catalog::catalog();
        let mut spanning = 0;
        for service in catalog.services() {
            let patterns: Vec<&str> = service
                .resource_types()
                .flat_map(|rt| rt.arn_patterns())
                .collect();
            let bulk = tails_may_span_separators(&patterns);
            for (pattern, greedy) in patterns.iter().zip(bulk) {
                // The bit-set rows of `intersects` always fit the catalog's patterns.
                assert!(pattern_tokens(pattern, greedy).len() < 128, "{pattern}");
                assert_eq!(
                    greedy,
                    tail_may_span_separators(pattern, service),
                    "{pattern}"
                );
                spanning += usize::from(greedy);
            }
        }
        assert!(spanning > 100);
    }

    #[test]
    fn continuation_detection() {
        assert_eq!(continues(OBJECT, BUCKET), Some(b'/'));
        assert_eq!(continues(BUCKET, OBJECT), None);
        assert_eq!(continues(BUCKET, BUCKET), None);
        assert_eq!(
            continues(
                "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}:${Alias}",
                "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}"
            ),
            Some(b':')
        );
    }
}
