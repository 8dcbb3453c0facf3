//! Resource rules: ARN syntax and meaning against the catalog's ARN patterns.
//!
//! Shared here: [`split_arn`] (the six ARN fields, with offsets, `${...}` kept whole), the
//! index of the catalog's ARN patterns by the service named in them ([`patterns_for`]), and
//! the partition and region lists.

use super::Rule;
use crate::catalog::arn::{self, Class, Tok};
use crate::catalog::{self, ResourceType};
use std::collections::HashMap;
use std::sync::LazyLock;

pub mod arn_account_presence;
pub mod arn_region_presence;
pub mod invalid_arn_account;
pub mod invalid_arn_prefix;
pub mod invalid_arn_region;
pub mod invalid_arn_resource;
pub mod invalid_arn_service_case;
pub mod invalid_partition;
pub mod missing_arn_field;
pub mod redundant_resource;
pub mod resource_mismatch;
pub mod resource_star;
pub mod unsupported_resource_arn_in_policy;
pub mod wildcard_action_fits_no_resource;

/// The rules of this category.
pub static RULES: &[&Rule] = &[
    &invalid_arn_prefix::RULE,
    &missing_arn_field::RULE,
    &invalid_partition::RULE,
    &invalid_arn_service_case::RULE,
    &arn_region_presence::RULE,
    &arn_account_presence::RULE,
    &invalid_arn_account::RULE,
    &invalid_arn_region::RULE,
    &invalid_arn_resource::RULE,
    &resource_mismatch::RULE,
    &resource_star::RULE,
    &redundant_resource::RULE,
    &unsupported_resource_arn_in_policy::RULE,
    &wildcard_action_fits_no_resource::RULE,
];

/// Access Analyzer codes of this area that no rule can decide offline, and why.
pub static GAPS: &[(&str, &str)] = &[];

/// One field of an ARN: its text and its byte offset in the ARN string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ArnField<'a> {
    pub text: &'a str,
    pub start: usize,
}

impl ArnField<'_> {
    /// Offset just past the field.
    pub fn end(&self) -> usize {
        self.start + self.text.len()
    }

    /// True when the field holds a wildcard or a policy variable (it can stand for anything).
    pub fn is_dynamic(&self) -> bool {
        is_dynamic(self.text)
    }
}

/// True when `text` holds `*`, `?` or a `${...}` policy variable.
pub(crate) fn is_dynamic(text: &str) -> bool {
    text.contains(['*', '?']) || text.contains("${")
}

/// An ARN split into its fields: `arn`, partition, service, region, account, resource. Fewer
/// than six when colons are missing; the resource field keeps any further colons. Held inline
/// (every resource rule splits every ARN, on every keystroke).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Arn<'a> {
    fields: [ArnField<'a>; 6],
    len: usize,
}

impl<'a> Arn<'a> {
    /// The fields found, in order.
    pub fn fields(&self) -> &[ArnField<'a>] {
        &self.fields[..self.len]
    }

    /// Field `i` (0 is `arn`, 1 partition, 2 service, 3 region, 4 account, 5 resource).
    pub fn field(&self, i: usize) -> Option<ArnField<'a>> {
        self.fields().get(i).copied()
    }

    /// True with all six fields.
    pub fn complete(&self) -> bool {
        self.len == 6
    }

    fn push(&mut self, text: &'a str, start: usize) {
        self.fields[self.len] = ArnField { text, start };
        self.len += 1;
    }
}

/// Splits a policy ARN at its first five colons, ignoring colons inside `${...}` variables
/// (`${aws:PrincipalAccount}`). `None` unless the text starts with `arn:` (exactly).
pub(crate) fn split_arn(value: &str) -> Option<Arn<'_>> {
    if !value.starts_with("arn:") {
        return None;
    }
    let b = value.as_bytes();
    let empty = ArnField { text: "", start: 0 };
    let mut arn = Arn {
        fields: [empty; 6],
        len: 0,
    };
    let mut start = 0;
    let mut i = 0;
    while i < b.len() && arn.len < 5 {
        if b[i] == b'$' && b.get(i + 1) == Some(&b'{') {
            match b[i..].iter().position(|&c| c == b'}') {
                Some(close) => {
                    i += close + 1;
                    continue;
                }
                None => break,
            }
        }
        if b[i] == b':' {
            arn.push(&value[start..i], start);
            start = i + 1;
        }
        i += 1;
    }
    arn.push(&value[start..], start);
    Some(arn)
}

/// One published ARN pattern, indexed by the service its third field names.
#[derive(Clone, Debug)]
pub(crate) struct PatternInfo {
    /// The pattern, `arn:${Partition}:s3:::${BucketName}`.
    pub pattern: &'static str,
    /// The resource type it belongs to (possibly of another service, as ssm's `instance`).
    pub resource_type: ResourceType,
    /// The region field of the pattern (empty when the service's ARNs carry no region).
    pub region: &'static str,
    /// The account field of the pattern (empty, `${Account}`, or a literal such as `aws`).
    pub account: &'static str,
    /// The resource part of the pattern.
    pub resource: &'static str,
    /// The resource part as a glob, every placeholder standing for any run of characters:
    /// what a resource part must look like at the least, whatever the placeholders hold.
    pub skeleton: Vec<Tok>,
    /// The literal text the resource part starts with (up to the first placeholder).
    head: &'static str,
    /// The literal text the resource part ends with (after the last placeholder).
    tail: &'static str,
    /// Whether the catalog's placeholder semantics can reject what the lenient reading
    /// accepts: some placeholder is not the pattern's last, or is last but may not span
    /// separators.
    needs_strict: bool,
    /// The whole pattern as tokens with those semantics (the last placeholder spanning
    /// separators as [`catalog::arn`] decides), when `needs_strict`.
    strict_tokens: Vec<Tok>,
}

impl PatternInfo {
    /// Whether a policy ARN's resource part (wildcards and variables allowed) can fit this
    /// pattern's resource part, whatever the other fields say, reading every placeholder as
    /// "anything": only the literal words of the pattern (`role/`, `log-group:`) must be there.
    /// Lenient on purpose, for the error-level rules: the catalog's idea of which characters a
    /// placeholder holds is a heuristic (a log group name may contain `/`).
    #[cfg(test)]
    pub fn resource_fits(&self, resource: &str) -> bool {
        self.fits(&Probe::new(resource))
    }

    /// `PatternInfo::resource_fits` for a prepared resource part.
    fn fits(&self, probe: &Probe<'_>) -> bool {
        probe.ends_compatible(self.head, self.tail) && globs_intersect(&probe.glob, &self.skeleton)
    }

    /// For a resource part that `PatternInfo::resource_fits` this pattern: whether it also
    /// fits with the catalog's placeholder semantics, where a placeholder holds no `/` or `:`
    /// unless it ends the pattern and may span them (so `arn:aws:s3:::b/*` is an object and not
    /// a bucket). For warnings that need the distinction.
    #[cfg(test)]
    pub fn resource_fits_strictly(&self, service: &str, resource: &str) -> bool {
        self.fits_strictly(&StrictProbe::new(service, resource))
    }

    /// `PatternInfo::resource_fits_strictly` for a prepared resource part.
    pub fn fits_strictly(&self, probe: &StrictProbe) -> bool {
        !self.needs_strict || arn::intersects(&probe.0, &self.strict_tokens)
    }
}

/// A policy ARN's resource part as the strict reading sees it (`arn:*:SERVICE:*:*:RESOURCE`),
/// tokenized once for all the patterns it is compared with.
pub(crate) struct StrictProbe(Vec<Tok>);

impl StrictProbe {
    pub fn new(service: &str, resource: &str) -> StrictProbe {
        StrictProbe(arn::policy_tokens(&format!(
            "arn:*:{service}:*:*:{resource}"
        )))
    }
}

/// A policy ARN's resource part, prepared for matching against many patterns.
struct Probe<'a> {
    glob: Vec<Tok>,
    /// Literal text up to the first wildcard or variable.
    head: &'a str,
    /// Literal text after the last wildcard or variable.
    tail: &'a str,
}

impl<'a> Probe<'a> {
    fn new(resource: &'a str) -> Probe<'a> {
        let b = resource.as_bytes();
        let dynamic = |c: &u8| matches!(c, b'*' | b'?' | b'$');
        let head_end = b.iter().position(dynamic).unwrap_or(b.len());
        let tail_start = b.iter().rposition(dynamic).map_or(0, |i| i + 1);
        Probe {
            glob: policy_glob(resource),
            head: &resource[..head_end],
            tail: &resource[tail_start..],
        }
    }

    /// Cheap pre-check: the literal beginning and end of the resource part must agree with a
    /// pattern's literal head and tail as far as both go. Byte loops rather than slice
    /// comparisons: they run for every pattern of the service and usually stop at the first
    /// byte.
    fn ends_compatible(&self, head: &str, tail: &str) -> bool {
        let same = |(a, b): (&u8, &u8)| a == b;
        self.head.as_bytes().iter().zip(head.as_bytes()).all(same)
            && (self.tail.as_bytes().iter().rev())
                .zip(tail.as_bytes().iter().rev())
                .all(same)
    }
}

/// Any one character, in a glob.
const ONE: Tok = Tok::One(Class::Any);
/// Any run of characters, also none, in a glob.
const STAR: Tok = Tok::Star(Class::Any);

/// A policy's ARN part as a glob: `*` any run, `?` one character, a policy variable any run
/// (its value is unknown), `${*}` `${?}` `${$}` the literal character.
pub(crate) fn policy_glob(s: &str) -> Vec<Tok> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'*' => out.push(STAR),
            b'?' => out.push(ONE),
            b'$' if b.get(i + 1) == Some(&b'{') => {
                if let Some(close) = b[i + 2..].iter().position(|&c| c == b'}') {
                    match &b[i + 2..i + 2 + close] {
                        [c @ (b'*' | b'?' | b'$')] => out.push(Tok::Lit(*c)),
                        _ => out.push(STAR),
                    }
                    i += close + 3;
                    continue;
                }
                out.push(Tok::Lit(b'$'));
            }
            c => out.push(Tok::Lit(c)),
        }
        i += 1;
    }
    out
}

/// A published pattern's part as a glob: each `${Placeholder}` and each literal `*` any run.
fn skeleton_glob(s: &str) -> Vec<Tok> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'$'
            && b.get(i + 1) == Some(&b'{')
            && let Some(close) = b[i..].iter().position(|&c| c == b'}')
        {
            out.push(STAR);
            i += close + 1;
            continue;
        }
        out.push(if b[i] == b'*' { STAR } else { Tok::Lit(b[i]) });
        i += 1;
    }
    out
}

/// Whether some text matches both globs (case-sensitive).
pub(crate) fn globs_intersect(a: &[Tok], b: &[Tok]) -> bool {
    arn::intersects(a, b)
}

/// Whether a field is always, never, or sometimes filled in a service's ARN formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FieldUse {
    /// Every format has it.
    Always,
    /// No format has it.
    Never,
    /// Some do, some do not.
    Mixed,
}

impl FieldUse {
    fn of<'a>(mut values: impl Iterator<Item = &'a str>) -> FieldUse {
        let first = values.next().map(str::is_empty);
        let mut mixed = false;
        for v in values {
            if Some(v.is_empty()) != first {
                mixed = true;
            }
        }
        match (first, mixed) {
            (_, true) => FieldUse::Mixed,
            (Some(true), false) => FieldUse::Never,
            _ => FieldUse::Always,
        }
    }
}

/// What the catalog says about the ARNs of one service (the service named in their third
/// field).
#[derive(Debug)]
pub(crate) struct ServiceArns {
    /// Every published pattern.
    pub patterns: Vec<PatternInfo>,
    /// The resource type words the formats start with (`role`, `log-group`), sorted.
    pub words: Vec<&'static str>,
    /// True when some format starts with a name (`${BucketName}`): any first word may be fine.
    pub starts_with_name: bool,
    /// How the formats use the region field.
    pub region: FieldUse,
    /// How the formats use the account field.
    pub account: FieldUse,
}

static SERVICES: LazyLock<HashMap<&'static str, ServiceArns>> = LazyLock::new(|| {
    let mut patterns: HashMap<&'static str, Vec<PatternInfo>> = HashMap::new();
    for service in catalog::catalog().services() {
        let own: Vec<(ResourceType, &'static str)> = service
            .resource_types()
            .flat_map(|rt| rt.arn_patterns().map(move |p| (rt, p)))
            .collect();
        let texts: Vec<&str> = own.iter().map(|&(_, p)| p).collect();
        let tails = arn::tails_may_span_separators(&texts);
        for ((rt, pattern), greedy) in own.into_iter().zip(tails) {
            let Some(parts) = split_arn(pattern) else {
                continue;
            };
            if !parts.complete() {
                continue;
            }
            let f = |i: usize| parts.field(i).map_or("", |f| f.text);
            let resource = f(5);
            let head_end = resource.find(['$', '*']).unwrap_or(resource.len());
            let tail_start = match resource.rfind(['}', '*']) {
                Some(i) => i + 1,
                None => 0,
            };
            let placeholders = resource.matches("${").count();
            let needs_strict =
                placeholders > 1 || (placeholders == 1 && !(resource.ends_with('}') && greedy));
            patterns.entry(f(2)).or_default().push(PatternInfo {
                pattern,
                resource_type: rt,
                region: f(3),
                account: f(4),
                resource,
                needs_strict,
                strict_tokens: if needs_strict {
                    arn::pattern_tokens(pattern, greedy)
                } else {
                    Vec::new()
                },
                skeleton: skeleton_glob(resource),
                head: &resource[..head_end],
                tail: &resource[tail_start..],
            });
        }
    }
    patterns
        .into_iter()
        .map(|(service, patterns)| {
            let mut words: Vec<&'static str> =
                patterns.iter().map(|p| type_word(p.resource)).collect();
            let starts_with_name = words.iter().any(|w| w.is_empty());
            words.retain(|w| !w.is_empty());
            words.sort_unstable();
            words.dedup();
            let info = ServiceArns {
                region: FieldUse::of(patterns.iter().map(|p| p.region)),
                account: FieldUse::of(patterns.iter().map(|p| p.account)),
                words,
                starts_with_name,
                patterns,
            };
            (service, info)
        })
        .collect()
});

/// The literal word a resource part starts with (`role` in `role/${RoleNameWithPath}`), empty
/// when it starts with a placeholder, a wildcard or a separator.
pub(crate) fn type_word(resource: &str) -> &str {
    let end = resource
        .find(['/', ':', '$', '*', '?'])
        .unwrap_or(resource.len());
    &resource[..end]
}

/// What the catalog says about the ARNs whose service field is exactly `service` (a lowercase
/// prefix), from whichever service defines them.
pub(crate) fn service_arns(service: &str) -> Option<&'static ServiceArns> {
    SERVICES.get(service)
}

/// The catalog's ARN patterns whose service field is exactly `service`. Empty for services
/// without resource types.
pub(crate) fn patterns_for(service: &str) -> &'static [PatternInfo] {
    service_arns(service).map_or(&[], |s| s.patterns.as_slice())
}

/// The patterns of `service` whose resource part `resource` (wildcards and variables allowed)
/// can fit, whatever the partition, region and account fields say
/// (`PatternInfo::resource_fits`).
///
/// Seven resource rules ask this of the same ARNs in one analysis, and a keystroke re-asks it of
/// every unchanged ARN, so the answers are remembered per thread (a pure function of the catalog;
/// the memory is emptied when it holds [`FIT_MEMO_ENTRIES`] answers).
pub(crate) fn fitting_patterns(service: &str, resource: &str) -> Vec<&'static PatternInfo> {
    FITS.with(|memo| {
        let mut memo = memo.borrow_mut();
        if let Some(found) = memo.get(&(service, resource) as &dyn FitKey) {
            return found.clone();
        }
        let probe = Probe::new(resource);
        let found: Vec<&'static PatternInfo> = patterns_for(service)
            .iter()
            .filter(|p| p.fits(&probe))
            .collect();
        if memo.len() >= FIT_MEMO_ENTRIES {
            memo.clear();
        }
        memo.insert((service.to_string(), resource.to_string()), found.clone());
        found
    })
}

/// How many `fitting_patterns` answers a thread keeps.
const FIT_MEMO_ENTRIES: usize = 16_384;

type FitMemo = HashMap<(String, String), Vec<&'static PatternInfo>>;

thread_local! {
    static FITS: std::cell::RefCell<FitMemo> = std::cell::RefCell::new(HashMap::new());
}

/// Looks a `(service, resource)` pair of `&str` up in a map keyed by owned pairs, without
/// allocating (the usual borrowed-key trick for tuple keys).
trait FitKey {
    fn pair(&self) -> (&str, &str);
}

impl FitKey for (String, String) {
    fn pair(&self) -> (&str, &str) {
        (&self.0, &self.1)
    }
}

impl FitKey for (&str, &str) {
    fn pair(&self) -> (&str, &str) {
        (self.0, self.1)
    }
}

impl<'a> std::borrow::Borrow<dyn FitKey + 'a> for (String, String) {
    fn borrow(&self) -> &(dyn FitKey + 'a) {
        self
    }
}

impl std::hash::Hash for dyn FitKey + '_ {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.pair().hash(state);
    }
}

impl PartialEq for dyn FitKey + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.pair() == other.pair()
    }
}

impl Eq for dyn FitKey + '_ {}

/// "`s3` bucket" or "`s3` bucket/object" for messages: the resource types of the fitting
/// patterns, those of the ARN's own service first (others' types for its ARNs, such as ssm's
/// `instance` for EC2, only when there is no own type), or just "`ec2`" when there are many.
pub(crate) fn describe_types(fitting: &[&PatternInfo]) -> String {
    let service = fitting
        .first()
        .and_then(|p| split_arn(p.pattern))
        .and_then(|a| a.field(2))
        .map_or("", |f| f.text);
    let own: Vec<&str> = fitting
        .iter()
        .filter(|p| p.resource_type.service_prefix() == service)
        .map(|p| p.resource_type.name())
        .collect();
    let mut names: Vec<&str> = Vec::new();
    let source = if own.is_empty() {
        fitting.iter().map(|p| p.resource_type.name()).collect()
    } else {
        own
    };
    for n in source {
        if !names.contains(&n) {
            names.push(n);
        }
    }
    if names.is_empty() || names.len() > 3 {
        format!("`{service}`")
    } else {
        format!("`{service}` {}", names.join("/"))
    }
}

/// The partitions an ARN may name.
pub(crate) const PARTITIONS: &[&str] = &[
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

/// Region names, from the partition data of botocore 1.44.8 (`botocore/data/endpoints.json`
/// and `partitions.json`, Apache-2.0), without the `*-global` pseudo-regions. Names of regions
/// that AWS has announced appear there before they open (`me-west-1`, `sa-west-1`).
pub(crate) const REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "cn-north-1",
    "cn-northwest-1",
    "eu-central-1",
    "eu-central-2",
    "eu-isoe-west-1",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eusc-de-east-1",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "me-west-1",
    "mx-central-1",
    "sa-east-1",
    "sa-west-1",
    "us-east-1",
    "us-east-2",
    "us-gov-east-1",
    "us-gov-west-1",
    "us-iso-east-1",
    "us-iso-west-1",
    "us-isob-east-1",
    "us-isob-west-1",
    "us-isof-east-1",
    "us-isof-south-1",
    "us-west-1",
    "us-west-2",
];

/// The area codes that begin region names, per partition (from the same botocore data's
/// `regionRegex`): `us`, `eu`, ... for `aws`, `cn` for `aws-cn`, `us-gov` for `aws-us-gov`, ...
pub(crate) const REGION_AREAS: &[&str] = &[
    "af", "ap", "ca", "eu", "il", "me", "mx", "sa", "us", "cn", "us-gov", "us-iso", "us-isob",
    "us-isof", "eu-isoe", "eusc-de",
];

/// The compass words in the middle of region names.
pub(crate) const REGION_DIRECTIONS: &[&str] = &[
    "central",
    "east",
    "north",
    "northeast",
    "northwest",
    "south",
    "southeast",
    "southwest",
    "west",
];

/// Whether `region` has the shape of a region name of some partition (`<area>-<direction>-<n>`)
/// with a known area and direction: a region AWS opens after this list was written still
/// passes.
pub(crate) fn region_shaped(region: &str) -> bool {
    let Some((rest, number)) = region.rsplit_once('-') else {
        return false;
    };
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let Some((area, direction)) = rest.rsplit_once('-') else {
        return false;
    };
    REGION_AREAS.contains(&area) && REGION_DIRECTIONS.contains(&direction)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_arns_with_variables() {
        let arn = split_arn("arn:aws:kms:*:${aws:PrincipalAccount}:key/*").unwrap();
        let texts: Vec<&str> = arn.fields().iter().map(|f| f.text).collect();
        assert_eq!(
            texts,
            ["arn", "aws", "kms", "*", "${aws:PrincipalAccount}", "key/*"]
        );
        assert_eq!(arn.field(4).unwrap().start, 14);
        let arn = split_arn("arn:aws:logs:*:*:log-group:/aws/x:*").unwrap();
        assert_eq!(arn.field(5).unwrap().text, "log-group:/aws/x:*");
        let arn = split_arn("arn:aws:s3").unwrap();
        assert_eq!(arn.fields().len(), 3);
        assert!(!arn.complete());
        assert!(split_arn("ARN:aws:s3:::b").is_none());
        assert!(split_arn("*").is_none());
        // An unclosed variable: the rest is one field.
        let arn = split_arn("arn:aws:${oops").unwrap();
        assert_eq!(arn.fields().len(), 3);
    }

    #[test]
    fn pattern_index() {
        let s3 = patterns_for("s3");
        assert!(s3.iter().any(|p| p.resource_type.name() == "bucket"));
        assert!(s3.iter().all(|p| p.pattern.contains(":s3:")));
        // ssm defines a type for EC2 instances: it is listed under ec2.
        assert!(
            patterns_for("ec2")
                .iter()
                .any(|p| p.resource_type.service_prefix() == "ssm")
        );
        assert!(patterns_for("no-such-service").is_empty());
    }

    #[test]
    fn resource_fitting() {
        let bucket = patterns_for("s3")
            .iter()
            .find(|p| p.resource_type.name() == "bucket")
            .unwrap();
        assert!(bucket.resource_fits_strictly("s3", "my-bucket"));
        assert!(bucket.resource_fits_strictly("s3", "my-*"));
        assert!(!bucket.resource_fits_strictly("s3", "my-bucket/key"));
        // Leniently, a placeholder holds anything.
        assert!(bucket.resource_fits("my-bucket/key"));
        let role = patterns_for("iam")
            .iter()
            .find(|p| p.resource_type.name() == "role")
            .unwrap();
        assert_eq!(role.skeleton, skeleton_glob("role/*"));
        assert!(role.resource_fits("role/a/b"));
        assert!(!role.resource_fits("rol/a"));
        let group = patterns_for("logs")
            .iter()
            .find(|p| p.resource_type.name() == "log-group")
            .unwrap();
        assert!(group.resource_fits("log-group:/aws/lambda/*"));
        assert_eq!(
            skeleton_glob("a/${B}:*"),
            [Tok::Lit(b'a'), Tok::Lit(b'/'), STAR, Tok::Lit(b':'), STAR]
        );
    }

    #[test]
    fn glob_intersection() {
        let g = |s: &str| policy_glob(s);
        assert!(globs_intersect(
            &g("role/*"),
            &skeleton_glob("role/${Name}")
        ));
        assert!(globs_intersect(&g("ro*"), &skeleton_glob("role/${Name}")));
        assert!(globs_intersect(&g("*/x"), &skeleton_glob("role/${Name}")));
        assert!(!globs_intersect(
            &g("user/*"),
            &skeleton_glob("role/${Name}")
        ));
        assert!(globs_intersect(
            &g("role/${aws:username}"),
            &skeleton_glob("role/${Name}")
        ));
        assert!(globs_intersect(&g("r?le"), &g("role")));
        assert!(!globs_intersect(&g("r?le"), &g("rle")));
        assert!(globs_intersect(&g("${*}"), &g("*")));
        assert!(!globs_intersect(&g("a${*}"), &g("ab")));
        assert!(globs_intersect(&g("a${*}"), &g("a*")));
    }

    #[test]
    fn regions() {
        assert!(REGIONS.windows(2).all(|w| w[0] < w[1]));
        for r in REGIONS {
            assert!(region_shaped(r), "{r}");
        }
        assert!(region_shaped("ap-southeast-9"));
        assert!(region_shaped("us-gov-central-1"));
        assert!(!region_shaped("us-eats-1"));
        assert!(!region_shaped("us-east-1a"));
        assert!(!region_shaped("useast1"));
        assert!(!region_shaped("xx-east-1"));
    }
}
