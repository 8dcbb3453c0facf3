//! One small tree for both configuration sources (the TOML file and the LSP settings JSON), so a
//! single validator serves both and errors point into either.

use std::ops::Range;

/// Where a value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Loc {
    /// A byte range in `iam-ls.toml`.
    Toml(Range<usize>),
    /// A path in the LSP settings, e.g. `iamLs.kinds["scps/*.json"]`.
    Json(String),
}

#[derive(Clone, Debug)]
pub(crate) struct RawKey {
    pub name: String,
    pub loc: Loc,
}

#[derive(Clone, Debug)]
pub(crate) struct RawNode {
    pub value: Raw,
    pub loc: Loc,
}

#[derive(Clone, Debug)]
pub(crate) enum Raw {
    Str(String),
    Int(i64),
    Float,
    Bool(bool),
    Datetime,
    Null,
    Array(Vec<RawNode>),
    /// Entries in source order.
    Table(Vec<(RawKey, RawNode)>),
}

impl RawNode {
    /// The type name as the source format calls it.
    pub fn type_name(&self) -> &'static str {
        let toml = matches!(self.loc, Loc::Toml(_));
        match &self.value {
            Raw::Str(_) => "string",
            Raw::Int(_) if toml => "integer",
            Raw::Int(_) | Raw::Float => "number",
            Raw::Bool(_) => "boolean",
            Raw::Datetime => "date-time",
            Raw::Null => "null",
            Raw::Array(_) => "array",
            Raw::Table(_) if toml => "table",
            Raw::Table(_) => "object",
        }
    }
}

/// Convert a parsed TOML value.
pub(crate) fn from_toml(v: &toml::Spanned<toml::de::DeValue<'_>>) -> RawNode {
    use toml::de::DeValue;
    let loc = Loc::Toml(v.span());
    let value = match v.get_ref() {
        DeValue::String(s) => Raw::Str(s.to_string()),
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => Raw::Int(n),
            Err(_) => Raw::Float,
        },
        DeValue::Float(_) => Raw::Float,
        DeValue::Boolean(b) => Raw::Bool(*b),
        DeValue::Datetime(_) => Raw::Datetime,
        DeValue::Array(items) => Raw::Array(items.iter().map(from_toml).collect()),
        DeValue::Table(t) => Raw::Table(toml_table(t)),
    };
    RawNode { value, loc }
}

/// Convert a TOML table, entries sorted back into source order.
pub(crate) fn toml_table(t: &toml::de::DeTable<'_>) -> Vec<(RawKey, RawNode)> {
    let mut entries: Vec<(RawKey, RawNode)> = t
        .iter()
        .map(|(k, v)| {
            (
                RawKey {
                    name: k.get_ref().to_string(),
                    loc: Loc::Toml(k.span()),
                },
                from_toml(v),
            )
        })
        .collect();
    entries.sort_by_key(|(k, _)| match &k.loc {
        Loc::Toml(r) => r.start,
        Loc::Json(_) => 0,
    });
    entries
}

/// Append `.key` (or `["key"]` when the key is not a plain identifier) to a JSON path.
pub(crate) fn json_child(path: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if plain {
        format!("{path}.{key}")
    } else {
        format!("{path}[{}]", serde_json::Value::String(key.to_owned()))
    }
}

/// Convert a settings JSON value rooted at `path`.
pub(crate) fn from_json(v: &serde_json::Value, path: &str) -> RawNode {
    use serde_json::Value;
    let value = match v {
        Value::Null => Raw::Null,
        Value::Bool(b) => Raw::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Raw::Int(i),
            None => Raw::Float,
        },
        Value::String(s) => Raw::Str(s.clone()),
        Value::Array(items) => Raw::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| from_json(item, &format!("{path}[{i}]")))
                .collect(),
        ),
        Value::Object(map) => Raw::Table(
            map.iter()
                .map(|(k, item)| {
                    let child = json_child(path, k);
                    (
                        RawKey {
                            name: k.clone(),
                            loc: Loc::Json(child.clone()),
                        },
                        from_json(item, &child),
                    )
                })
                .collect(),
        ),
    };
    RawNode {
        value,
        loc: Loc::Json(path.to_owned()),
    }
}
