//! CloudFormation policies written as a JSON *string* (`PolicyDocument: '{"Version": ...}'`, a
//! `|` block holding JSON, `!Sub` of such a string, or an escaped string in a JSON template).
//!
//! The string's value is read back from the host bytes with, for each of its bytes, the host
//! offset it came from ([`offsets`]): through YAML double- and single-quoted escapes, line
//! folding, block scalar indentation, and JSON escapes. The value is then parsed as JSON and
//! turned into a host tree whose spans are host offsets, so the policy renders, and its findings
//! map back, like any other. When the bytes do not read back to exactly the parsed value, the
//! string is not treated as a policy (no guessed spans).

use super::value::{Entry, Kind, Scalar, Value};
use crate::syntax::{self, Span};

/// A policy read from a JSON string: its tree (spans are offsets in the host text) and the
/// JSON syntax errors of the string (message, host span).
pub struct Parsed {
    pub value: Value,
    pub errors: Vec<(String, Span)>,
}

/// The policy held in `v` when it is a string (or a `Sub` of a string) whose text is a JSON
/// object; its spans are offsets in `text`. `None` otherwise.
pub fn policy(text: &str, v: &Value) -> Option<Parsed> {
    let (scalar_value, sub) = match &v.kind {
        Kind::Scalar(_) => (v, false),
        Kind::Tagged { tag, value } if tag == "Sub" || tag == "Fn::Sub" => {
            (sub_template(value)?, true)
        }
        Kind::Map(entries) if entries.len() == 1 && entries[0].key == "Fn::Sub" => {
            (sub_template(&entries[0].value)?, true)
        }
        _ => return None,
    };
    let Kind::Scalar(s) = &scalar_value.kind else {
        return None;
    };
    if !s.value.trim_start().starts_with('{') {
        return None;
    }
    let offsets = offsets(text, scalar_value)?;
    let parse = syntax::parse(&s.value);
    let end = *offsets.last()?;
    let at = |o: usize| offsets.get(o).copied().unwrap_or(end);
    let root = Value::from_json_mapped(parse.root.as_ref()?, &at);
    // A `Sub` reference outside a JSON string (`"Resource": ${Arns}`) is filled in before the
    // text is JSON: its syntax cannot be judged here.
    let errors = if sub && interpolation_outside_strings(&s.value) {
        Vec::new()
    } else {
        parse
            .errors
            .iter()
            .map(|e| {
                (
                    e.message.clone(),
                    Span::new(at(e.span.start), at(e.span.end)),
                )
            })
            .collect()
    };
    Some(Parsed {
        value: if sub { substituted(root) } else { root },
        errors,
    })
}

/// The template string of a `Sub` argument (the string, or the first item of the list form).
fn sub_template(arg: &Value) -> Option<&Value> {
    match &arg.kind {
        Kind::Seq(items) => items.first(),
        Kind::Scalar(_) => Some(arg),
        _ => None,
    }
}

/// Marks every string holding `${` as a `Sub` template, so its references become unknown
/// values and `${!Literal}` the literal `${Literal}`.
fn substituted(v: Value) -> Value {
    let kind = match v.kind {
        Kind::Map(entries) => Kind::Map(
            entries
                .into_iter()
                .map(|e| Entry {
                    value: substituted(e.value),
                    ..e
                })
                .collect(),
        ),
        Kind::Seq(items) => Kind::Seq(items.into_iter().map(substituted).collect()),
        Kind::Scalar(s) if s.value.contains("${") => {
            return Value {
                span: v.span,
                kind: Kind::Tagged {
                    tag: "Sub".to_string(),
                    value: Box::new(Value {
                        span: v.span,
                        kind: Kind::Scalar(s),
                    }),
                },
            };
        }
        other => other,
    };
    Value { span: v.span, kind }
}

/// For each byte of the scalar's value, the host offset it was read from, and one more entry
/// for the end. `None` when re-reading the host bytes does not give exactly the value.
pub fn offsets(text: &str, v: &Value) -> Option<Vec<usize>> {
    let Kind::Scalar(s) = &v.kind else {
        return None;
    };
    let b = text.as_bytes();
    let content = s.content;
    if content.end > b.len() || content.start > content.end {
        return None;
    }
    if s.linear {
        return (text.get(content.start..content.end)? == s.value).then(|| {
            (content.start..content.start + s.value.len())
                .chain(std::iter::once(content.end))
                .collect()
        });
    }
    let (out, map) = match b.get(v.span.start) {
        Some(b'"') => double_quoted(text, content.start, content.end),
        Some(b'\'') => single_quoted(text, content.start, content.end),
        Some(b'|') => block(text, s, false),
        Some(b'>') => block(text, s, true),
        _ => return None,
    }?;
    (out == s.value).then_some(map)
}

/// Pushes `c`, read from host offset `at`, onto the value and its map.
fn push(out: &mut String, map: &mut Vec<usize>, c: char, at: usize) {
    out.push(c);
    map.extend(std::iter::repeat_n(at, c.len_utf8()));
}

/// A line break inside a flow scalar: the break and the next line's indentation fold into one
/// space. Returns where the next line's content starts.
fn fold(text: &str, out: &mut String, map: &mut Vec<usize>, at: usize) -> usize {
    let b = text.as_bytes();
    push(out, map, ' ', at);
    let mut i = at + 1;
    while matches!(b.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    i
}

/// A YAML double-quoted scalar or a JSON string between `start` and `end`.
fn double_quoted(text: &str, start: usize, end: usize) -> Option<(String, Vec<usize>)> {
    let mut out = String::new();
    let mut map = Vec::new();
    let mut i = start;
    while i < end {
        let c = text.get(i..)?.chars().next()?;
        match c {
            '\\' => {
                let e = text.get(i + 1..)?.chars().next()?;
                let mut next = i + 1 + e.len_utf8();
                let simple = match e {
                    'n' => Some('\n'),
                    't' => Some('\t'),
                    'r' => Some('\r'),
                    '0' => Some('\0'),
                    'b' => Some('\u{8}'),
                    'f' => Some('\u{c}'),
                    '"' | '\\' | '/' | ' ' | '\'' => Some(e),
                    _ => None,
                };
                if let Some(ch) = simple {
                    push(&mut out, &mut map, ch, i);
                } else if matches!(e, 'x' | 'u' | 'U') {
                    let n = match e {
                        'x' => 2,
                        'u' => 4,
                        _ => 8,
                    };
                    let digits = text.get(i + 2..i + 2 + n)?;
                    next = i + 2 + n;
                    let mut code = u32::from_str_radix(digits, 16).ok()?;
                    // A JSON surrogate pair: `\ud83d\ude00`.
                    if (0xD800..0xDC00).contains(&code)
                        && text.get(next..next + 2) == Some("\\u")
                        && let Some(low) = text
                            .get(next + 2..next + 6)
                            .and_then(|d| u32::from_str_radix(d, 16).ok())
                    {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low.wrapping_sub(0xDC00));
                        next += 6;
                    }
                    push(&mut out, &mut map, char::from_u32(code)?, i);
                } else if e == '\n' {
                    // An escaped line break joins the lines without a space.
                    while matches!(text.as_bytes().get(next), Some(b' ' | b'\t')) {
                        next += 1;
                    }
                } else {
                    push(&mut out, &mut map, e, i);
                }
                i = next;
            }
            '\n' | '\r' => i = fold(text, &mut out, &mut map, i),
            c => {
                push(&mut out, &mut map, c, i);
                i += c.len_utf8();
            }
        }
    }
    map.push(end);
    Some((out, map))
}

/// A YAML single-quoted scalar between `start` and `end` (`''` is one quote).
fn single_quoted(text: &str, start: usize, end: usize) -> Option<(String, Vec<usize>)> {
    let mut out = String::new();
    let mut map = Vec::new();
    let mut i = start;
    while i < end {
        let c = text.get(i..)?.chars().next()?;
        match c {
            '\'' => {
                push(&mut out, &mut map, '\'', i);
                i += if text.as_bytes().get(i + 1) == Some(&b'\'') {
                    2
                } else {
                    1
                };
            }
            '\n' | '\r' => i = fold(text, &mut out, &mut map, i),
            c => {
                push(&mut out, &mut map, c, i);
                i += c.len_utf8();
            }
        }
    }
    map.push(end);
    Some((out, map))
}

/// A literal (`|`) or folded (`>`) block scalar: its lines without their indentation, joined
/// by line breaks (literal) or spaces (folded), as the YAML reader joins them.
fn block(text: &str, s: &Scalar, folded: bool) -> Option<(String, Vec<usize>)> {
    let b = text.as_bytes();
    let first_line = b[..s.content.start]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |i| i + 1);
    let indent = s.content.start - first_line;
    let mut lines: Vec<(usize, usize)> = Vec::new();
    let mut line = first_line;
    while line < s.content.end {
        let mut line_end = line;
        while line_end < b.len() && b[line_end] != b'\n' {
            line_end += 1;
        }
        let mut content_end = line_end;
        if content_end > line && b[content_end - 1] == b'\r' {
            content_end -= 1;
        }
        let spaces = b[line..content_end]
            .iter()
            .take_while(|&&c| c == b' ')
            .count();
        if line + spaces == content_end {
            lines.push((content_end, content_end));
        } else {
            lines.push(((line + indent.min(spaces)).min(content_end), content_end));
        }
        line = line_end + 1;
    }
    while lines.last().is_some_and(|(a, z)| a == z) {
        lines.pop();
    }
    let mut out = String::new();
    let mut map = Vec::new();
    for (n, &(a, z)) in lines.iter().enumerate() {
        if n > 0 {
            let (_, prev_end) = lines[n - 1];
            push(
                &mut out,
                &mut map,
                if folded { ' ' } else { '\n' },
                prev_end,
            );
        }
        for (i, c) in text.get(a..z)?.char_indices() {
            push(&mut out, &mut map, c, a + i);
        }
    }
    if s.value.ends_with('\n') && !out.ends_with('\n') {
        push(&mut out, &mut map, '\n', s.content.end);
    }
    map.push(s.content.end);
    Some((out, map))
}

/// True when `json` has a `${` or `%{` interpolation outside its string tokens (where it
/// stands for JSON text that is only known once substituted).
pub fn interpolation_outside_strings(json: &str) -> bool {
    let b = json.as_bytes();
    let mut in_string = false;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'$' | b'%' if !in_string && b.get(i + 1) == Some(&b'{') => return true,
            _ => {}
        }
        i += 1;
    }
    false
}
