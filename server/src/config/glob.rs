//! A small glob matcher for workspace-relative paths (no dependency, no regex).
//!
//! Syntax:
//!
//! - `*` matches any run of characters except `/`; `?` one character except `/`.
//! - `**` as a whole path segment matches any number of directories: `a/**/b` matches `a/b` and
//!   `a/x/y/b`; `a/**` matches everything below `a`; `**` alone matches everything. Elsewhere
//!   (`a**b`) it behaves like `*`.
//! - `[abc]`, `[a-z]`, `[!a-z]` (or `[^a-z]`): one character from (or not from) the set, never `/`.
//! - `{json,yaml}`: alternatives (not nested).
//! - A pattern with no `/` matches the file name at any depth (`*.json` is `**/*.json`), as in
//!   `.gitignore`. A leading `/` or `./` is dropped: patterns are relative to the workspace root.
//! - `\` counts as `/` in patterns and paths, so Windows paths work; there is no escape
//!   character (write `[*]` for a literal star).
//!
//! Matching is case-sensitive and runs in time proportional to pattern length × path length.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Char(char),
    /// `*`: any run without `/`.
    Star,
    /// `?`
    One,
    /// `**/` (or a trailing `/**`, or a lone `**`): zero or more whole directories.
    Dirs,
    /// `[...]`
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

/// A compiled glob pattern.
#[derive(Clone, PartialEq, Eq)]
pub struct Glob {
    pattern: String,
    alternatives: Vec<Vec<Token>>,
    specificity: usize,
}

impl fmt::Debug for Glob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Glob({:?})", self.pattern)
    }
}

/// Why a pattern could not be compiled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GlobError(pub String);

impl fmt::Display for GlobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Glob {
    /// Compile `pattern`.
    pub fn new(pattern: &str) -> Result<Glob, GlobError> {
        let trimmed = pattern.trim();
        if trimmed.is_empty() {
            return Err(GlobError("the pattern is empty".into()));
        }
        let norm = normalize(trimmed);
        let mut alternatives = Vec::new();
        for alt in expand_braces(&norm)? {
            let alt = if alt.contains('/') {
                alt
            } else {
                format!("**/{alt}")
            };
            alternatives.push(tokenize(&alt)?);
        }
        let specificity = norm
            .chars()
            .filter(|c| !matches!(c, '*' | '?' | '[' | ']' | '{' | '}' | ','))
            .count();
        Ok(Glob {
            pattern: pattern.to_owned(),
            alternatives,
            specificity,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// How specific the pattern is: the number of characters that are not wildcard syntax. Used to
    /// pick the most specific of several matching patterns.
    pub fn specificity(&self) -> usize {
        self.specificity
    }

    /// True when the workspace-relative `path` matches.
    pub fn is_match(&self, path: &str) -> bool {
        let path = normalize(path);
        let text: Vec<char> = path.chars().collect();
        self.alternatives.iter().any(|toks| matches(toks, &text))
    }
}

/// `\` → `/`, drop a leading `./` or `/`, collapse `//`.
pub(crate) fn normalize(p: &str) -> String {
    let mut s = p.replace('\\', "/");
    while s.contains("//") {
        s = s.replace("//", "/");
    }
    let mut rest = s.as_str();
    loop {
        if let Some(r) = rest.strip_prefix("./") {
            rest = r;
        } else if let Some(r) = rest.strip_prefix('/') {
            rest = r;
        } else {
            break;
        }
    }
    rest.to_owned()
}

fn expand_braces(p: &str) -> Result<Vec<String>, GlobError> {
    let Some(open) = p.find('{') else {
        if p.contains('}') {
            return Err(GlobError("`}` without a matching `{`".into()));
        }
        return Ok(vec![p.to_owned()]);
    };
    let after = &p[open + 1..];
    let Some(close_rel) = after.find('}') else {
        return Err(GlobError("`{` is never closed with `}`".into()));
    };
    let inner = &after[..close_rel];
    if inner.contains('{') {
        return Err(GlobError(
            "nested `{...}` alternatives are not supported".into(),
        ));
    }
    let head = &p[..open];
    let tail = &after[close_rel + 1..];
    let mut out = Vec::new();
    for choice in inner.split(',') {
        for rest in expand_braces(tail)? {
            out.push(format!("{head}{choice}{rest}"));
        }
    }
    Ok(out)
}

fn tokenize(p: &str) -> Result<Vec<Token>, GlobError> {
    let chars: Vec<char> = p.chars().collect();
    let mut toks = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '*' if chars.get(i + 1) == Some(&'*') => {
                let at_seg_start = i == 0 || chars[i - 1] == '/';
                let mut j = i;
                while chars.get(j) == Some(&'*') {
                    j += 1;
                }
                let next = chars.get(j);
                if at_seg_start && next == Some(&'/') {
                    toks.push(Token::Dirs);
                    i = j + 1;
                } else if at_seg_start && next.is_none() {
                    // `a/**` or `**`: everything below, any depth.
                    toks.push(Token::Dirs);
                    toks.push(Token::Star);
                    i = j;
                } else {
                    toks.push(Token::Star);
                    i = j;
                }
            }
            '*' => {
                toks.push(Token::Star);
                i += 1;
            }
            '?' => {
                toks.push(Token::One);
                i += 1;
            }
            '[' => {
                let (tok, next) = class(&chars, i)?;
                toks.push(tok);
                i = next;
            }
            ']' => return Err(GlobError("`]` without a matching `[`".into())),
            c => {
                toks.push(Token::Char(c));
                i += 1;
            }
        }
    }
    Ok(toks)
}

fn class(chars: &[char], start: usize) -> Result<(Token, usize), GlobError> {
    let mut i = start + 1;
    let negated = matches!(chars.get(i), Some('!' | '^'));
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    let mut first = true;
    loop {
        let Some(&c) = chars.get(i) else {
            return Err(GlobError("`[` is never closed with `]`".into()));
        };
        if c == ']' && !first {
            break;
        }
        first = false;
        if chars.get(i + 1) == Some(&'-') && chars.get(i + 2).is_some_and(|&e| e != ']') {
            let end = chars[i + 2];
            if end < c {
                return Err(GlobError(format!("the range `{c}-{end}` is backwards")));
            }
            ranges.push((c, end));
            i += 3;
        } else {
            ranges.push((c, c));
            i += 1;
        }
    }
    Ok((Token::Class { negated, ranges }, i + 1))
}

/// Dynamic programming over (token, character): `reach[j]` is true when the tokens seen so far
/// can consume exactly `text[..j]`.
fn matches(toks: &[Token], text: &[char]) -> bool {
    let n = text.len();
    let mut reach = vec![false; n + 1];
    reach[0] = true;
    for tok in toks {
        let mut next = vec![false; n + 1];
        match tok {
            Token::Char(c) => {
                for j in 0..n {
                    if reach[j] && text[j] == *c {
                        next[j + 1] = true;
                    }
                }
            }
            Token::One => {
                for j in 0..n {
                    if reach[j] && text[j] != '/' {
                        next[j + 1] = true;
                    }
                }
            }
            Token::Class { negated, ranges } => {
                for j in 0..n {
                    let c = text[j];
                    if reach[j] && c != '/' {
                        let inside = ranges.iter().any(|&(a, b)| a <= c && c <= b);
                        if inside != *negated {
                            next[j + 1] = true;
                        }
                    }
                }
            }
            Token::Star => {
                let mut on = false;
                for j in 0..=n {
                    on |= reach[j];
                    if on {
                        next[j] = true;
                    }
                    if j < n && text[j] == '/' {
                        on = false;
                    }
                }
            }
            Token::Dirs => {
                // Zero directories, or any prefix ending just after a `/`.
                let mut on = false;
                for j in 0..=n {
                    on |= reach[j];
                    if reach[j] {
                        next[j] = true;
                    }
                    if on && j > 0 && text[j - 1] == '/' {
                        next[j] = true;
                    }
                }
            }
        }
        reach = next;
    }
    reach[n]
}
