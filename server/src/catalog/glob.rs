//! IAM-style wildcard matching: `*` matches any run of characters (also none), `?` exactly
//! one; [`wildcard_match`] for any text, [`matches_ignore_case`] for catalog names.

/// Whether `s` contains `*` or `?`.
pub fn has_wildcards(s: &str) -> bool {
    s.bytes().any(|c| c == b'*' || c == b'?')
}

/// The text of `pattern` before its first wildcard: what every match starts with (ignoring
/// case), so [`super::Service::actions_starting_with`] narrows the search to those names.
pub(crate) fn literal_head(pattern: &str) -> &str {
    let end = pattern.find(['*', '?']).unwrap_or(pattern.len());
    &pattern[..end]
}

/// Matches `text` against `pattern`, ignoring ASCII case (catalog names).
pub(crate) fn matches_ignore_case(pattern: &str, text: &str) -> bool {
    wildcard_match(pattern, text, true)
}

/// IAM wildcard match of a whole text: `*` matches any run of characters (also none), `?`
/// exactly one character; everything else compares equal, ignoring ASCII case when
/// `ignore_case` (action names) and exactly otherwise (ARNs, condition values). The one
/// matcher of the project: the rules call it too. Linear in practice: the two-pointer
/// algorithm that backtracks only to the last `*`. It works on bytes but moves through the
/// text by whole characters, so `?` is one character even outside ASCII.
pub fn wildcard_match(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let p = pattern.as_bytes();
    let t = text.as_bytes();
    let eq = |a: u8, b: u8| {
        if ignore_case {
            a.eq_ignore_ascii_case(&b)
        } else {
            a == b
        }
    };
    // The length of the character starting at byte `i` of the text.
    let char_len = |i: usize| text[i..].chars().next().map_or(1, char::len_utf8);
    let (mut pi, mut ti) = (0usize, 0usize);
    // Position after the last `*` seen in the pattern, and the text position it resumes from.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some(b'*') => {
                star = Some((pi + 1, ti));
                pi += 1;
            }
            Some(b'?') => {
                pi += 1;
                ti += char_len(ti);
            }
            Some(&c) if eq(c, t[ti]) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((after_star, from)) => {
                    let next = from + char_len(from);
                    pi = after_star;
                    ti = next;
                    star = Some((after_star, next));
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
    fn case_and_whole_characters() {
        // ARNs and condition values compare exactly.
        assert!(wildcard_match(
            "arn:aws:s3:::Bucket/*",
            "arn:aws:s3:::Bucket/k",
            false
        ));
        assert!(!wildcard_match(
            "arn:aws:s3:::bucket/*",
            "arn:aws:s3:::Bucket/k",
            false
        ));
        assert!(wildcard_match(
            "arn:aws:s3:::bucket/*",
            "arn:aws:s3:::Bucket/k",
            true
        ));
        // `?` is one character, also outside ASCII, and `*` resumes on character boundaries.
        assert!(wildcard_match("caf?", "café", false));
        assert!(!wildcard_match("caf??", "café", false));
        assert!(wildcard_match("*é*", "crème brûlée", false));
        assert!(wildcard_match("*?e", "crème brûlée", false));
        assert!(!wildcard_match("*é", "crème brûlées", false));
        assert!(wildcard_match("??", "日本", false));
    }

    #[test]
    fn wildcard_detection() {
        assert!(has_wildcards("s3:*"));
        assert!(has_wildcards("s3:Get?"));
        assert!(!has_wildcards("s3:GetObject"));
    }
}
