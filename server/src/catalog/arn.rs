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
enum Class {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
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
fn policy_tokens(arn: &str) -> Vec<Tok> {
    let b = arn.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut colons_before = 0usize;
    let mut i = 0;
    while i < b.len() {
        let in_header_field = colons_before < 5 && b[i..].contains(&b':');
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
fn pattern_tokens(pattern: &str, tail_spans_separators: bool) -> Vec<Tok> {
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

fn intersects(u: &[Tok], p: &[Tok]) -> bool {
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
