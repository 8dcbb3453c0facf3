//! Formatting helpers shared by every hover: code spans that survive any input, capped lists,
//! links to AWS documentation and the catalog footer.
//!
//! Hovers follow one layout: a bold headline on the first line, details in short paragraphs,
//! lists or small tables, links, then (for answers drawn from the catalog) a footer naming the
//! catalog data and its date.

use crate::catalog::{self, Service};
use std::fmt::Write as _;

/// How many names a list shows before "… and N more".
pub const LIST_CAP: usize = 12;

/// Longest user text echoed into a hover, in characters.
const ECHO_CAP: usize = 120;

/// The Service Authorization Reference's index page.
pub const SAR_INDEX: &str = "https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html";

/// Base of the IAM User Guide's policy reference pages.
pub const IAM_GUIDE: &str = "https://docs.aws.amazon.com/IAM/latest/UserGuide";

/// `text` as an inline code span: long text is cut (with `…`), line breaks become spaces, and
/// the fence is longer than any run of backticks inside, so no input can break the markdown.
pub fn code(text: &str) -> String {
    let mut shown: String = text
        .chars()
        .take(ECHO_CAP)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().nth(ECHO_CAP).is_some() {
        shown.push('…');
    }
    let mut longest = 0;
    let mut run = 0;
    for c in shown.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    // A space keeps a leading or trailing backtick apart from the fence.
    let pad = if shown.starts_with('`') || shown.ends_with('`') || shown.is_empty() {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{shown}{pad}{fence}")
}

/// Escapes the characters that would turn catalog prose into markup (`*`, `_`, `` ` ``, `<`,
/// `[`, `]`, `\`).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '*' | '_' | '`' | '<' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A comma-separated list of code spans, showing at most `cap` of `total` items and saying how
/// many were left out.
pub fn capped_list<I, S>(items: I, total: usize, cap: usize) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out = String::new();
    let mut shown = 0;
    for item in items.into_iter().take(cap) {
        if shown > 0 {
            out.push_str(", ");
        }
        out.push_str(&code(item.as_ref()));
        shown += 1;
    }
    if total > shown {
        let _ = write!(out, " … and {} more", count(total - shown));
    }
    out
}

/// The page of the Service Authorization Reference for `service`.
///
/// The data carries no URL, so the page name is derived the way AWS names these pages: `list_`
/// followed by the service's name in lowercase with everything but letters and digits removed
/// (`Amazon S3` → `list_amazons3.html`). A name that yields nothing falls back to the index.
pub fn service_url(service: Service) -> String {
    let slug: String = service
        .name()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if slug.is_empty() {
        SAR_INDEX.to_string()
    } else {
        format!(
            "https://docs.aws.amazon.com/service-authorization/latest/reference/list_{slug}.html"
        )
    }
}

/// A markdown link line to `service`'s reference page.
pub fn service_link(out: &mut String, service: Service) {
    let _ = write!(
        out,
        "\n\n[{} in the Service Authorization Reference]({})",
        escape(service.name()),
        service_url(service)
    );
}

/// A markdown link line to an IAM User Guide page (`page` without the `.html`).
pub fn guide_link(out: &mut String, title: &str, page: &str) {
    let _ = write!(out, "\n\n[{title}]({IAM_GUIDE}/{page}.html)");
}

/// The footer naming the catalog data and its date.
pub fn catalog_footer(out: &mut String) {
    let v = catalog::data_version();
    if v.version.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "\n\n---\n*IAM reference data {} {}, {}*",
        escape(v.package),
        v.version,
        v.date()
    );
}

/// Adds the data's age on day `today` to the catalog footer of `markdown`, if it has one
/// ("..., 2026-09-26, 70 days old"), so a stale installation shows in every catalog hover.
pub fn add_data_age(markdown: &mut String, today: i64) {
    let date = catalog::data_version().date();
    let Some(day) = crate::rules::support::parse_instant(date).map(|t| t.div_euclid(86_400)) else {
        return;
    };
    let age = today - day;
    if age < 0 {
        return;
    }
    let marker = format!(", {date}*");
    let Some(at) = markdown.find("\n\n---\n*IAM reference data") else {
        return;
    };
    if let Some(pos) = markdown[at..].find(&marker).map(|p| at + p) {
        let unit = if age == 1 { "day" } else { "days" };
        let text = format!(", {date}, {age} {unit} old*");
        markdown.replace_range(pos..pos + marker.len(), &text);
    }
}

/// Formats `n` with thousands separators (`22,104`).
pub fn count(n: usize) -> String {
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

/// "1 action" / "3 actions".
pub fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", count(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_survive_backticks_and_long_text() {
        assert_eq!(code("s3:GetObject"), "`s3:GetObject`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code(""), "`  `");
        let long = "x".repeat(200);
        let c = code(&long);
        assert!(c.ends_with("…`") && c.chars().count() < 130, "{c}");
        assert_eq!(code("a\nb"), "`a b`");
    }

    #[test]
    fn lists_counts_and_escapes() {
        assert_eq!(capped_list(["a", "b", "c"], 3, 2), "`a`, `b` … and 1 more");
        assert_eq!(capped_list(["a"], 1, 5), "`a`");
        assert_eq!(count(22104), "22,104");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(plural(1, "action", "actions"), "1 action");
        assert_eq!(plural(1200, "action", "actions"), "1,200 actions");
        assert_eq!(escape("a*b_[c]"), "a\\*b\\_\\[c\\]");
    }

    #[test]
    fn service_pages_are_derived_from_names() {
        let s3 = catalog::catalog().service("s3").expect("s3");
        assert_eq!(
            service_url(s3),
            "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html"
        );
        let iam = catalog::catalog().service("iam").expect("iam");
        assert!(service_url(iam).ends_with("list_awsidentityandaccessmanagementiam.html"));
    }
}
