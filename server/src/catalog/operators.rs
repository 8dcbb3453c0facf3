//! Condition operators as data.
//!
//! An operator name is a base operator (`StringEquals`, `NumericLessThan`, `Bool`, `Null`, ...)
//! optionally prefixed by a set qualifier (`ForAllValues:` or `ForAnyValue:`) and optionally
//! suffixed by `IfExists`. [`operator`] parses any such combination, ignoring ASCII case (it
//! reports whether the spelling was exact), and returns an [`OperatorInfo`] that answers what
//! value type it expects, whether it is negated, whether it accepts `*`/`?` wildcards and what
//! happens when the key is missing from the request. Combinations that parse but make no sense
//! (`NullIfExists`, a qualifier on `Null`) are reported by [`OperatorInfo::problem`] so that
//! rules can say so.

use std::fmt;

use super::KeyType;

/// The value a base operator compares against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueType {
    /// Strings (`String*` operators).
    String,
    /// Numbers (`Numeric*`).
    Numeric,
    /// Dates: ISO 8601 or epoch seconds (`Date*`).
    Date,
    /// `"true"` or `"false"` (`Bool`).
    Bool,
    /// Base64-encoded bytes (`BinaryEquals`).
    Binary,
    /// IPv4/IPv6 addresses or CIDR ranges (`IpAddress`, `NotIpAddress`).
    IpAddress,
    /// ARNs (`Arn*`).
    Arn,
    /// `"true"` (the key is absent) or `"false"` (the key is present) for `Null`.
    Null,
}

impl ValueType {
    /// Whether a key of type `key_type` is meant to be tested with an operator of this value
    /// type (element types for multi-valued keys). `Null` works with every key. String
    /// operators also accept ARN keys (AWS allows it, though Arn operators are the better fit);
    /// `aws:EpochTime` style date keys accept numeric operators.
    pub fn fits(self, key_type: KeyType) -> bool {
        let element = key_type.element();
        match self {
            ValueType::Null => true,
            ValueType::String => matches!(element, KeyType::String | KeyType::Arn),
            ValueType::Numeric => matches!(element, KeyType::Numeric | KeyType::Date),
            ValueType::Date => element == KeyType::Date,
            ValueType::Bool => element == KeyType::Bool,
            ValueType::Binary => element == KeyType::Binary,
            ValueType::IpAddress => element == KeyType::IpAddress,
            ValueType::Arn => element == KeyType::Arn,
        }
    }
}

/// What a condition evaluates to when the request has no value for its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyMissing {
    /// The condition is satisfied.
    Matches,
    /// The condition is not satisfied.
    DoesNotMatch,
    /// The operator is `Null`: absence is exactly what it tests.
    TestsPresence,
}

/// A set qualifier for multi-valued keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    /// Every value in the request must satisfy the operator (true when there are none).
    ForAllValues,
    /// At least one value in the request must satisfy the operator.
    ForAnyValue,
}

impl SetQualifier {
    /// `ForAllValues` or `ForAnyValue`.
    pub fn as_str(self) -> &'static str {
        match self {
            SetQualifier::ForAllValues => "ForAllValues",
            SetQualifier::ForAnyValue => "ForAnyValue",
        }
    }
}

/// One base operator and its properties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct BaseOperator {
    /// Canonical name, e.g. `StringNotLike`.
    pub name: &'static str,
    /// Value type it compares.
    pub value_type: ValueType,
    /// Whether it is a negation (true when nothing in the policy matches).
    pub negated: bool,
    /// Whether `*` and `?` in the policy values are wildcards.
    pub wildcards: bool,
    /// One-line description, written for iam-ls.
    pub description: &'static str,
}

const fn op(
    name: &'static str,
    value_type: ValueType,
    negated: bool,
    wildcards: bool,
    description: &'static str,
) -> BaseOperator {
    BaseOperator {
        name,
        value_type,
        negated,
        wildcards,
        description,
    }
}

use ValueType as V;

/// Every base operator IAM defines.
pub const BASE_OPERATORS: &[BaseOperator] = &[
    op(
        "StringEquals",
        V::String,
        false,
        false,
        "Exact, case-sensitive string match.",
    ),
    op(
        "StringNotEquals",
        V::String,
        true,
        false,
        "True when the value equals none of the strings (case-sensitive).",
    ),
    op(
        "StringEqualsIgnoreCase",
        V::String,
        false,
        false,
        "String match that ignores letter case.",
    ),
    op(
        "StringNotEqualsIgnoreCase",
        V::String,
        true,
        false,
        "True when the value equals none of the strings, ignoring letter case.",
    ),
    op(
        "StringLike",
        V::String,
        false,
        true,
        "Case-sensitive match where * stands for any run of characters and ? for one.",
    ),
    op(
        "StringNotLike",
        V::String,
        true,
        true,
        "True when the value matches none of the * / ? patterns.",
    ),
    op(
        "NumericEquals",
        V::Numeric,
        false,
        false,
        "Number equal to one of the values.",
    ),
    op(
        "NumericNotEquals",
        V::Numeric,
        true,
        false,
        "Number equal to none of the values.",
    ),
    op(
        "NumericLessThan",
        V::Numeric,
        false,
        false,
        "Number below the value.",
    ),
    op(
        "NumericLessThanEquals",
        V::Numeric,
        false,
        false,
        "Number at or below the value.",
    ),
    op(
        "NumericGreaterThan",
        V::Numeric,
        false,
        false,
        "Number above the value.",
    ),
    op(
        "NumericGreaterThanEquals",
        V::Numeric,
        false,
        false,
        "Number at or above the value.",
    ),
    op(
        "DateEquals",
        V::Date,
        false,
        false,
        "Date and time equal to one of the values.",
    ),
    op(
        "DateNotEquals",
        V::Date,
        true,
        false,
        "Date and time equal to none of the values.",
    ),
    op(
        "DateLessThan",
        V::Date,
        false,
        false,
        "Date and time before the value.",
    ),
    op(
        "DateLessThanEquals",
        V::Date,
        false,
        false,
        "Date and time at or before the value.",
    ),
    op(
        "DateGreaterThan",
        V::Date,
        false,
        false,
        "Date and time after the value.",
    ),
    op(
        "DateGreaterThanEquals",
        V::Date,
        false,
        false,
        "Date and time at or after the value.",
    ),
    op(
        "Bool",
        V::Bool,
        false,
        false,
        "Boolean key equal to \"true\" or \"false\".",
    ),
    op(
        "BinaryEquals",
        V::Binary,
        false,
        false,
        "Byte-for-byte match of base64-encoded values.",
    ),
    op(
        "IpAddress",
        V::IpAddress,
        false,
        false,
        "Address inside one of the IP ranges (CIDR).",
    ),
    op(
        "NotIpAddress",
        V::IpAddress,
        true,
        false,
        "Address outside all of the IP ranges (CIDR).",
    ),
    op(
        "ArnEquals",
        V::Arn,
        false,
        true,
        "ARN match, field by field; * and ? act as wildcards within a field.",
    ),
    op(
        "ArnLike",
        V::Arn,
        false,
        true,
        "ARN match, field by field, with * and ? wildcards.",
    ),
    op(
        "ArnNotEquals",
        V::Arn,
        true,
        true,
        "True when the ARN matches none of the values.",
    ),
    op(
        "ArnNotLike",
        V::Arn,
        true,
        true,
        "True when the ARN matches none of the wildcard values.",
    ),
    op(
        "Null",
        V::Null,
        false,
        false,
        "\"true\": the key must be absent; \"false\": the key must be present.",
    ),
];

/// The length of each base operator's name, in [`BASE_OPERATORS`] order: a compact first test
/// for [`base_operator`], which every condition rule runs on every operator.
const NAME_LENGTHS: [usize; BASE_OPERATORS.len()] = {
    let mut lengths = [0; BASE_OPERATORS.len()];
    let mut i = 0;
    while i < lengths.len() {
        lengths[i] = BASE_OPERATORS[i].name.len();
        i += 1;
    }
    lengths
};

/// The base operator with this name, ignoring ASCII case.
pub fn base_operator(name: &str) -> Option<&'static BaseOperator> {
    NAME_LENGTHS
        .iter()
        .zip(BASE_OPERATORS)
        .find(|&(&len, b)| {
            // The exact spelling (a plain comparison) is the usual case.
            len == name.len() && (b.name == name || b.name.eq_ignore_ascii_case(name))
        })
        .map(|(_, b)| b)
}

/// Something about a parsed operator that IAM rejects or that cannot work as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperatorProblem {
    /// `NullIfExists`: `Null` cannot take `IfExists` (IAM rejects it).
    NullWithIfExists,
    /// `ForAllValues:Null` / `ForAnyValue:Null`: the result no longer depends on the values.
    NullWithQualifier,
}

/// A parsed condition operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperatorInfo {
    /// The base operator.
    pub base: &'static BaseOperator,
    /// `ForAllValues:` / `ForAnyValue:`, if present.
    pub qualifier: Option<SetQualifier>,
    /// Whether the name ends in `IfExists`.
    pub if_exists: bool,
    /// Whether the name was spelt with the canonical capitalisation.
    pub exact_case: bool,
}

impl OperatorInfo {
    /// The value type the operator compares.
    pub fn value_type(&self) -> ValueType {
        self.base.value_type
    }

    /// Whether the base operator is a negation (`StringNotEquals`, `NotIpAddress`, ...).
    pub fn negated(&self) -> bool {
        self.base.negated
    }

    /// Whether `*` and `?` in values are wildcards.
    pub fn wildcards(&self) -> bool {
        self.base.wildcards
    }

    /// What the condition evaluates to when the request carries no value for the key.
    ///
    /// `IfExists` makes a missing key match; `Null` tests presence itself; `ForAllValues:` is
    /// vacuously true on an empty set, `ForAnyValue:` false; a negated operator is true (no
    /// value equals anything); any other operator is false.
    pub fn when_key_missing(&self) -> KeyMissing {
        if self.base.value_type == ValueType::Null {
            return KeyMissing::TestsPresence;
        }
        if self.if_exists {
            return KeyMissing::Matches;
        }
        match self.qualifier {
            Some(SetQualifier::ForAllValues) => KeyMissing::Matches,
            Some(SetQualifier::ForAnyValue) => KeyMissing::DoesNotMatch,
            None if self.base.negated => KeyMissing::Matches,
            None => KeyMissing::DoesNotMatch,
        }
    }

    /// A combination IAM rejects or that cannot work, if any.
    pub fn problem(&self) -> Option<OperatorProblem> {
        if self.base.value_type != ValueType::Null {
            None
        } else if self.if_exists {
            Some(OperatorProblem::NullWithIfExists)
        } else if self.qualifier.is_some() {
            Some(OperatorProblem::NullWithQualifier)
        } else {
            None
        }
    }

    /// The canonical spelling, e.g. `ForAnyValue:StringLikeIfExists`.
    pub fn canonical_name(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for OperatorInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(q) = self.qualifier {
            write!(f, "{}:", q.as_str())?;
        }
        f.write_str(self.base.name)?;
        if self.if_exists {
            f.write_str("IfExists")?;
        }
        Ok(())
    }
}

/// Parses a condition operator name such as `StringNotEqualsIfExists` or
/// `ForAllValues:StringLike`, ignoring ASCII case. `None` when it is not an operator.
pub fn operator(name: &str) -> Option<OperatorInfo> {
    let mut exact_case = true;
    let mut rest = name;
    let mut qualifier = None;
    if let Some(at) = super::model::colon(name) {
        let (head, tail) = (&name[..at], &name[at + 1..]);
        let q = [SetQualifier::ForAllValues, SetQualifier::ForAnyValue]
            .into_iter()
            .find(|q| q.as_str().eq_ignore_ascii_case(head))?;
        exact_case &= q.as_str() == head;
        qualifier = Some(q);
        rest = tail;
    }
    const SUFFIX: &str = "IfExists";
    let (base_name, if_exists) = match rest.len().checked_sub(SUFFIX.len()) {
        Some(at) if rest.is_char_boundary(at) && rest[at..].eq_ignore_ascii_case(SUFFIX) => {
            exact_case &= &rest[at..] == SUFFIX;
            (&rest[..at], true)
        }
        _ => (rest, false),
    };
    let base = base_operator(base_name)?;
    exact_case &= base.name == base_name;
    Some(OperatorInfo {
        base,
        qualifier,
        if_exists,
        exact_case,
    })
}

/// Every operator spelling worth offering in completion: each base operator, with `IfExists`,
/// and with each qualifier (`Null` alone, as its other forms are problems).
pub fn all_operator_names() -> impl Iterator<Item = String> {
    BASE_OPERATORS.iter().flat_map(|b| {
        let plain = [b.name.to_string()];
        let variants: Vec<String> = if b.value_type == ValueType::Null {
            Vec::new()
        } else {
            let mut v = vec![format!("{}IfExists", b.name)];
            for q in [SetQualifier::ForAllValues, SetQualifier::ForAnyValue] {
                v.push(format!("{}:{}", q.as_str(), b.name));
                v.push(format!("{}:{}IfExists", q.as_str(), b.name));
            }
            v
        };
        plain.into_iter().chain(variants)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        let o = operator("StringNotEqualsIfExists").expect("parses");
        assert_eq!(o.base.name, "StringNotEquals");
        assert!(o.if_exists && o.negated() && o.exact_case);
        assert_eq!(o.qualifier, None);

        let o = operator("ForAllValues:StringLike").expect("parses");
        assert_eq!(o.qualifier, Some(SetQualifier::ForAllValues));
        assert!(o.wildcards() && !o.if_exists);

        let o = operator("foranyvalue:arnlikeifexists").expect("parses");
        assert_eq!(o.to_string(), "ForAnyValue:ArnLikeIfExists");
        assert!(!o.exact_case);

        assert_eq!(operator("NotIpAddress").map(|o| o.negated()), Some(true));
        assert_eq!(
            operator("IpAddress").map(|o| o.value_type()),
            Some(ValueType::IpAddress)
        );
        assert!(operator("StringEqualz").is_none());
        assert!(operator("ForSomeValues:StringEquals").is_none());
        assert!(operator("IfExists").is_none());
        assert!(operator("").is_none());
        assert!(operator("ForAllValues:").is_none());
    }

    #[test]
    fn missing_key_behaviour() {
        let m = |name: &str| operator(name).map(|o| o.when_key_missing());
        assert_eq!(m("StringEquals"), Some(KeyMissing::DoesNotMatch));
        assert_eq!(m("StringNotEquals"), Some(KeyMissing::Matches));
        assert_eq!(m("NotIpAddress"), Some(KeyMissing::Matches));
        assert_eq!(m("BoolIfExists"), Some(KeyMissing::Matches));
        assert_eq!(m("ForAllValues:StringEquals"), Some(KeyMissing::Matches));
        assert_eq!(
            m("ForAnyValue:StringEquals"),
            Some(KeyMissing::DoesNotMatch)
        );
        assert_eq!(
            m("ForAnyValue:StringNotEquals"),
            Some(KeyMissing::DoesNotMatch)
        );
        assert_eq!(m("Null"), Some(KeyMissing::TestsPresence));
    }

    #[test]
    fn problems() {
        assert_eq!(
            operator("NullIfExists").and_then(|o| o.problem()),
            Some(OperatorProblem::NullWithIfExists)
        );
        assert_eq!(
            operator("ForAllValues:Null").and_then(|o| o.problem()),
            Some(OperatorProblem::NullWithQualifier)
        );
        assert_eq!(
            operator("StringLikeIfExists").and_then(|o| o.problem()),
            None
        );
    }

    #[test]
    fn value_types_fit_key_types() {
        assert!(ValueType::IpAddress.fits(KeyType::IpAddress));
        assert!(!ValueType::IpAddress.fits(KeyType::String));
        assert!(ValueType::String.fits(KeyType::ArrayOfString));
        assert!(ValueType::String.fits(KeyType::Arn));
        assert!(!ValueType::Arn.fits(KeyType::String));
        assert!(ValueType::Null.fits(KeyType::Bool));
        assert!(ValueType::Numeric.fits(KeyType::Date));
    }

    #[test]
    fn completion_list_is_complete_and_parses() {
        let names: Vec<String> = all_operator_names().collect();
        // 26 operators in six forms each (plain, IfExists, two qualifiers with and without
        // IfExists), plus Null alone.
        assert_eq!(names.len(), 26 * 6 + 1);
        for n in &names {
            let o = operator(n).expect("every offered name parses");
            assert!(o.exact_case, "{n}");
            assert_eq!(o.problem(), None, "{n}");
            assert_eq!(&o.to_string(), n);
        }
    }
}
