//! IAM-style wildcard matching for action names: `*` matches any run of characters (also
//! none), `?` exactly one; everything else compares equal ignoring ASCII case.

/// Whether `s` contains `*` or `?`.
pub(crate) fn has_wildcards(s: &str) -> bool {
    s.bytes().any(|c| c == b'*' || c == b'?')
}

/// The text of `pattern` before its first wildcard: what every match starts with (ignoring
/// case), so [`super::Service::actions_starting_with`] narrows the search to those names.
pub(crate) fn literal_head(pattern: &str) -> &str {
    let end = pattern.find(['*', '?']).unwrap_or(pattern.len());
    &pattern[..end]
}

/// Matches `text` against `pattern`, ignoring ASCII case. Linear in practice: the classic
/// two-pointer algorithm that backtracks only to the last `*`. Works on bytes; `?` matches one
/// byte, which is one character for the ASCII names in the catalog.
pub(crate) fn matches_ignore_case(pattern: &str, text: &str) -> bool {
    let p = pattern.as_bytes();
    let t = text.as_bytes();
    let (mut pi, mut ti) = (0usize, 0usize);
    // Position after the last `*` seen in the pattern, and the text position it resumes from.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some(b'*') => {
                star = Some((pi + 1, ti));
                pi += 1;
            }
            Some(&c) if c == b'?' || c.eq_ignore_ascii_case(&t[ti]) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((after_star, from)) => {
                    pi = after_star;
                    ti = from + 1;
                    star = Some((after_star, from + 1));
                }
                None => return false,
            },
        }
    }
    p[pi.min(p.len())..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_and_case() {
        assert!(matches_ignore_case("GetObject", "getobject"));
        assert!(!matches_ignore_case("GetObject", "GetObjects"));
        assert!(!matches_ignore_case("GetObjects", "GetObject"));
        assert!(matches_ignore_case("", ""));
        assert!(!matches_ignore_case("", "a"));
    }

    #[test]
    fn stars_and_questions() {
        assert!(matches_ignore_case("*", ""));
        assert!(matches_ignore_case("*", "anything"));
        assert!(matches_ignore_case("Get*", "GetObject"));
        assert!(matches_ignore_case("get*", "GetObject"));
        assert!(!matches_ignore_case("Get*", "PutObject"));
        assert!(matches_ignore_case("*Object*", "GetObjectAcl"));
        assert!(matches_ignore_case("*Object*", "PutObject"));
        assert!(!matches_ignore_case("*Object*", "ListBucket"));
        assert!(matches_ignore_case("Get?bject", "GetObject"));
        assert!(!matches_ignore_case("Get?bject", "Getbject"));
        assert!(matches_ignore_case("*a*b*c", "xxaxxbxxc"));
        assert!(!matches_ignore_case("*a*b*c", "xxaxxcxxb"));
        assert!(matches_ignore_case("a**", "a"));
        assert!(matches_ignore_case("*ab", "aab"));
    }

    #[test]
    fn wildcard_detection() {
        assert!(has_wildcards("s3:*"));
        assert!(has_wildcards("s3:Get?"));
        assert!(!has_wildcards("s3:GetObject"));
    }
}
