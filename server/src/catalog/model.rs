//! The decoded tables and the handle types that read them.
//!
//! Everything is stored once, in compact records inside one [`Tables`] value that lives for the
//! rest of the process; strings are ids into one UTF-8 blob. The public types ([`Service`],
//! [`Action`], [`ResourceType`], [`ConditionKey`], [`GlobalKey`], [`ActionResource`]) are
//! `Copy` handles (a table pointer and an index) with accessor methods, so lookups allocate
//! nothing and hand out `&'static str`.
//!
//! Architecture invariant: every index and run stored in [`Tables`] was bounds-checked by
//! `format::decode`, and handles are only created from those indices, so the indexing below
//! cannot fail.

use std::fmt;
use std::sync::OnceLock;

use super::index::{CaselessHash, NameIndex, PatternList};
use super::{AccessLevel, KeyType, cmp_bytes_ignore_case, cmp_ignore_case, key_pattern_matches};

/// A range of records in one of the tables.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Run {
    pub(crate) start: u32,
    pub(crate) len: u32,
}

impl Run {
    pub(crate) fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.start as usize + self.len as usize
    }

    fn ids(self) -> std::ops::Range<u32> {
        self.start..self.start + self.len
    }
}

/// Strings stored back to back in one blob; string `i` ends at `ends[i]`.
#[derive(Debug, Default)]
pub(crate) struct StringTable {
    pub(crate) blob: &'static str,
    pub(crate) ends: Vec<u32>,
}

impl StringTable {
    pub(crate) const EMPTY: StringTable = StringTable {
        blob: "",
        ends: Vec::new(),
    };

    pub(crate) fn get(&self, id: u32) -> &'static str {
        let i = id as usize;
        let start = match i.checked_sub(1) {
            Some(prev) => self.ends.get(prev).copied().unwrap_or(0),
            None => 0,
        };
        let end = self.ends.get(i).copied().unwrap_or(0);
        let blob: &'static str = self.blob;
        blob.get(start as usize..end as usize).unwrap_or("")
    }

    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }
}

/// The long descriptions, kept compressed until one is first needed.
#[derive(Debug)]
pub(crate) struct LazyText {
    pub(crate) compressed: &'static [u8],
    pub(crate) payload_len: usize,
    pub(crate) count: u32,
    pub(crate) table: OnceLock<StringTable>,
}

impl LazyText {
    pub(crate) fn get(&self, id: u32) -> &'static str {
        self.table
            .get_or_init(|| match super::format::decode_text(self) {
                Ok(table) => table,
                Err(err) => {
                    tracing::error!("the catalog's descriptions could not be decoded: {err}");
                    StringTable::default()
                }
            })
            .get(id)
    }
}

#[derive(Debug)]
pub(crate) struct ServiceRec {
    pub(crate) prefix: u32,
    pub(crate) name: u32,
    pub(crate) actions: Run,
    pub(crate) resource_types: Run,
    pub(crate) keys: Run,
    /// Resource control policies apply to this service's actions.
    pub(crate) rcp: bool,
}

#[derive(Debug)]
pub(crate) struct KeyRec {
    pub(crate) name: u32,
    pub(crate) description: u32,
    pub(crate) key_type: KeyType,
    pub(crate) service: u32,
}

#[derive(Debug)]
pub(crate) struct ResourceTypeRec {
    pub(crate) name: u32,
    pub(crate) arn: u32,
    pub(crate) keys: Run,
    pub(crate) service: u32,
}

#[derive(Debug)]
pub(crate) struct ActionRec {
    pub(crate) full_name: u32,
    pub(crate) description: u32,
    pub(crate) resources: Run,
    pub(crate) keys: Run,
    pub(crate) deps: Run,
    pub(crate) service: u32,
    pub(crate) access_level: AccessLevel,
}

#[derive(Debug)]
pub(crate) struct ActionResourceRec {
    pub(crate) resource_type: u32,
    pub(crate) required: bool,
    pub(crate) keys: Run,
}

#[derive(Debug)]
pub(crate) struct GlobalRec {
    pub(crate) name: u32,
    pub(crate) key_type: KeyType,
    pub(crate) category: u32,
    pub(crate) description: u32,
}

/// Everything decoded from one artifact.
#[derive(Debug)]
pub(crate) struct Tables {
    pub(crate) strings: StringTable,
    pub(crate) text: LazyText,
    pub(crate) services: Vec<ServiceRec>,
    pub(crate) keys: Vec<KeyRec>,
    pub(crate) resource_types: Vec<ResourceTypeRec>,
    pub(crate) actions: Vec<ActionRec>,
    pub(crate) action_resources: Vec<ActionResourceRec>,
    /// Key ids (into `keys`) referenced by resource types and actions.
    pub(crate) key_refs: Vec<u32>,
    /// String ids of dependent actions.
    pub(crate) deps: Vec<u32>,
    /// Key ids ordered by lowercase name, then service.
    pub(crate) key_index: Vec<u32>,
    /// Keys whose name contains `${` (leaving out the services' copies of global keys).
    pub(crate) pattern_keys: PatternList,
    /// Global keys whose name contains `${`, in table order.
    pub(crate) global_patterns: PatternList,
    pub(crate) globals: Vec<GlobalRec>,
    /// Global ids ordered by lowercase name.
    pub(crate) global_index: Vec<u32>,
    /// Hash indexes of service prefixes, action full names, key names (first in `key_index`
    /// order among equal names) and global key names.
    pub(crate) service_names: NameIndex,
    pub(crate) action_names: NameIndex,
    pub(crate) key_names: NameIndex,
    pub(crate) global_names: NameIndex,
    pub(crate) meta: [u32; 3],
}

/// Tables with no data, behind [`super::Catalog::empty`].
pub(crate) static EMPTY_TABLES: Tables = Tables {
    strings: StringTable::EMPTY,
    text: LazyText {
        compressed: &[],
        payload_len: 0,
        count: 0,
        table: OnceLock::new(),
    },
    services: Vec::new(),
    keys: Vec::new(),
    resource_types: Vec::new(),
    actions: Vec::new(),
    action_resources: Vec::new(),
    key_refs: Vec::new(),
    deps: Vec::new(),
    key_index: Vec::new(),
    pattern_keys: PatternList::EMPTY,
    global_patterns: PatternList::EMPTY,
    globals: Vec::new(),
    global_index: Vec::new(),
    service_names: NameIndex::EMPTY,
    action_names: NameIndex::EMPTY,
    key_names: NameIndex::EMPTY,
    global_names: NameIndex::EMPTY,
    meta: [0; 3],
};

impl Tables {
    pub(crate) fn str(&self, id: u32) -> &'static str {
        self.strings.get(id)
    }
}

macro_rules! handle {
    ($(#[$doc:meta])* $name:ident, $table:ident, $rec:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy)]
        pub struct $name {
            pub(crate) t: &'static Tables,
            pub(crate) i: u32,
        }

        impl $name {
            fn rec(&self) -> &'static $rec {
                let t: &'static Tables = self.t;
                &t.$table[self.i as usize]
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                std::ptr::eq(self.t, other.t) && self.i == other.i
            }
        }

        impl Eq for $name {}

        impl std::hash::Hash for $name {
            fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                self.i.hash(state);
            }
        }
    };
}

handle!(
    /// An AWS service, identified by its prefix (`s3`, `iam`, `kms`, ...).
    Service, services, ServiceRec
);
handle!(
    /// One IAM action, such as `s3:GetObject`.
    Action, actions, ActionRec
);
handle!(
    /// A resource type as one action uses it (with the required flag).
    ActionResource, action_resources, ActionResourceRec
);
handle!(
    /// A kind of resource a service defines, with its ARN pattern.
    ResourceType, resource_types, ResourceTypeRec
);
handle!(
    /// A condition key as one service documents it.
    ConditionKey, keys, KeyRec
);
handle!(
    /// A global condition key: present in the request context of every service when it
    /// applies, whatever an action's own key list says.
    GlobalKey, globals, GlobalRec
);

fn handles<H>(
    t: &'static Tables,
    run: Run,
    make: fn(&'static Tables, u32) -> H,
) -> impl ExactSizeIterator<Item = H> + use<H> {
    run.ids().map(move |i| make(t, i))
}

fn key_refs(t: &'static Tables, run: Run) -> impl ExactSizeIterator<Item = ConditionKey> + use<> {
    t.key_refs[run.range()]
        .iter()
        .map(move |&i| ConditionKey { t, i })
}

impl Service {
    /// The prefix used in actions and condition keys (canonical, lowercase).
    pub fn prefix(&self) -> &'static str {
        self.t.str(self.rec().prefix)
    }

    /// The service's name, e.g. "Amazon S3".
    pub fn name(&self) -> &'static str {
        self.t.str(self.rec().name)
    }

    /// Whether resource control policies apply to this service's actions (the data's
    /// `rcpSupportedServices.json`).
    pub fn rcp_supported(&self) -> bool {
        self.rec().rcp
    }

    /// Its actions, ordered by lowercase name.
    pub fn actions(&self) -> impl ExactSizeIterator<Item = Action> + use<> {
        handles(self.t, self.rec().actions, |t, i| Action { t, i })
    }

    /// Its resource types, ordered by lowercase name.
    pub fn resource_types(&self) -> impl ExactSizeIterator<Item = ResourceType> + use<> {
        handles(self.t, self.rec().resource_types, |t, i| ResourceType {
            t,
            i,
        })
    }

    /// The keys it documents (its own and the `aws:` keys it mentions), ordered by lowercase
    /// name.
    pub fn condition_keys(&self) -> impl ExactSizeIterator<Item = ConditionKey> + use<> {
        handles(self.t, self.rec().keys, |t, i| ConditionKey { t, i })
    }

    /// Its actions whose name starts with `head` (ignoring case), in order: a contiguous run of
    /// [`Service::actions`], whose start is found by binary search. Every action a pattern can
    /// match is among those starting with the pattern's text before its first wildcard.
    pub fn actions_starting_with<'h>(
        &self,
        head: &'h str,
    ) -> impl Iterator<Item = Action> + use<'h> {
        let t = self.t;
        let run = self.rec().actions;
        let skip = self.prefix().len() + 1;
        let name = move |i: u32| {
            let full = t.str(t.actions[i as usize].full_name).as_bytes();
            full.get(skip..).unwrap_or(&[])
        };
        let head = head.as_bytes();
        let start = run.start
            + t.actions[run.range()].partition_point(|a| {
                let full = t.str(a.full_name).as_bytes();
                cmp_bytes_ignore_case(full.get(skip..).unwrap_or(&[]), head).is_lt()
            }) as u32;
        (start..run.start + run.len)
            .take_while(move |&i| {
                name(i)
                    .get(..head.len())
                    .is_some_and(|h| h.eq_ignore_ascii_case(head))
            })
            .map(move |i| Action { t, i })
    }

    /// The action with this name (without the prefix), ignoring case.
    pub fn action(&self, name: &str) -> Option<Action> {
        let t = self.t;
        let prefix = self.prefix();
        let skip = prefix.len() + 1;
        let hash = CaselessHash::new()
            .write(prefix.as_bytes())
            .write(b":")
            .write(name.as_bytes())
            .finish();
        let is_it = |i: u32| {
            let a = &t.actions[i as usize];
            let full = t.str(a.full_name).as_bytes();
            a.service == self.i
                && full.len() == skip + name.len()
                && full[skip..].eq_ignore_ascii_case(name.as_bytes())
        };
        let search = || {
            let run = self.rec().actions;
            let found = t.actions[run.range()]
                .binary_search_by(|a| {
                    let full = t.str(a.full_name).as_bytes();
                    cmp_bytes_ignore_case(full.get(skip..).unwrap_or(&[]), name.as_bytes())
                })
                .ok()?;
            Some(run.start + found as u32)
        };
        let i = t.action_names.find(hash, is_it, search)?;
        Some(Action { t, i })
    }

    /// The resource type with this name, ignoring case.
    pub fn resource_type(&self, name: &str) -> Option<ResourceType> {
        let t = self.t;
        let run = self.rec().resource_types;
        let found = t.resource_types[run.range()]
            .binary_search_by(|r| cmp_ignore_case(t.str(r.name), name))
            .ok()?;
        Some(ResourceType {
            t,
            i: run.start + found as u32,
        })
    }

    /// The key this service documents under exactly this name, ignoring case (no patterns).
    pub fn condition_key(&self, name: &str) -> Option<ConditionKey> {
        let t = self.t;
        let run = self.rec().keys;
        let found = t.keys[run.range()]
            .binary_search_by(|k| cmp_ignore_case(t.str(k.name), name))
            .ok()?;
        Some(ConditionKey {
            t,
            i: run.start + found as u32,
        })
    }
}

/// Where the first `:` of a short name is. A byte loop: `str::split_once` sets up a searcher
/// that costs more than the scan for names this short, and rules take action names apart in
/// their inner loops.
pub(crate) fn colon(name: &str) -> Option<usize> {
    name.bytes().position(|b| b == b':')
}

impl Action {
    /// `prefix:Name` in canonical casing, e.g. `s3:GetObject`.
    pub fn full_name(&self) -> &'static str {
        self.t.str(self.rec().full_name)
    }

    /// The name without the prefix, e.g. `GetObject`.
    pub fn name(&self) -> &'static str {
        let full = self.full_name();
        colon(full).map_or(full, |at| &full[at + 1..])
    }

    /// The service prefix, e.g. `s3`.
    pub fn service_prefix(&self) -> &'static str {
        let full = self.full_name();
        colon(full).map_or("", |at| &full[..at])
    }

    /// The service it belongs to.
    pub fn service(&self) -> Service {
        Service {
            t: self.t,
            i: self.rec().service,
        }
    }

    /// What the action permits (decoded on first use of any description).
    pub fn description(&self) -> &'static str {
        self.t.text.get(self.rec().description)
    }

    /// How AWS classifies it.
    pub fn access_level(&self) -> AccessLevel {
        self.rec().access_level
    }

    /// The resource types it can be granted on; none means it only works with `"*"`.
    pub fn resource_types(&self) -> impl ExactSizeIterator<Item = ActionResource> + use<> {
        handles(self.t, self.rec().resources, |t, i| ActionResource { t, i })
    }

    /// Condition keys the action supports beyond its resource types' keys. Never lists the
    /// global `aws:*` keys, which apply to every action.
    pub fn condition_keys(&self) -> impl ExactSizeIterator<Item = ConditionKey> + use<> {
        key_refs(self.t, self.rec().keys)
    }

    /// Other actions a caller also needs for this one to succeed.
    pub fn dependent_actions(&self) -> impl ExactSizeIterator<Item = &'static str> + use<> {
        let t = self.t;
        t.deps[self.rec().deps.range()]
            .iter()
            .map(move |&id| t.str(id))
    }

    /// Every key the action documents: its own, then those listed for its resource types
    /// (per action and per type). May repeat a key.
    pub fn all_condition_keys(&self) -> impl Iterator<Item = ConditionKey> + use<> {
        let per_resource = self
            .resource_types()
            .flat_map(|r| r.condition_keys().chain(r.resource_type().condition_keys()));
        self.condition_keys().chain(per_resource)
    }

    /// Whether the action documents `key` (exact name or a pattern key it fills in, such as
    /// `s3:ExistingObjectTag/${TagKey}`), ignoring case. Global keys are not considered.
    pub fn documents_key(&self, key: &str) -> bool {
        self.all_condition_keys().any(|k| {
            let name = k.name();
            name.eq_ignore_ascii_case(key) || key_pattern_matches(name, key)
        })
    }

    /// The resource types that must be in `Resource` for the action to be authorized.
    pub fn required_resource_types(&self) -> impl Iterator<Item = ResourceType> + use<> {
        self.resource_types()
            .filter(|r| r.required())
            .map(|r| r.resource_type())
    }
}

impl ActionResource {
    /// The resource type.
    pub fn resource_type(&self) -> ResourceType {
        ResourceType {
            t: self.t,
            i: self.rec().resource_type,
        }
    }

    /// Whether the action requires it (marked `*` in the reference).
    pub fn required(&self) -> bool {
        self.rec().required
    }

    /// Keys the action supports for this resource type specifically.
    pub fn condition_keys(&self) -> impl ExactSizeIterator<Item = ConditionKey> + use<> {
        key_refs(self.t, self.rec().keys)
    }
}

impl ResourceType {
    /// The owning service's prefix.
    pub fn service_prefix(&self) -> &'static str {
        self.service().prefix()
    }

    /// The owning service.
    pub fn service(&self) -> Service {
        Service {
            t: self.t,
            i: self.rec().service,
        }
    }

    /// The type's name, e.g. `object`, `role`, `instance`.
    pub fn name(&self) -> &'static str {
        self.t.str(self.rec().name)
    }

    /// The ARN pattern as published, e.g. `arn:${Partition}:s3:::${BucketName}/${ObjectName}`.
    /// A few types list several patterns separated by ", "; see [`ResourceType::arn_patterns`].
    pub fn arn(&self) -> &'static str {
        self.t.str(self.rec().arn)
    }

    /// The individual ARN patterns of this type.
    pub fn arn_patterns(&self) -> impl Iterator<Item = &'static str> + use<> {
        self.arn()
            .split(", ")
            .map(str::trim)
            .filter(|p| !p.is_empty())
    }

    /// Keys that apply to resources of this type.
    pub fn condition_keys(&self) -> impl ExactSizeIterator<Item = ConditionKey> + use<> {
        key_refs(self.t, self.rec().keys)
    }
}

impl ConditionKey {
    /// The documenting service's prefix.
    pub fn service_prefix(&self) -> &'static str {
        Service {
            t: self.t,
            i: self.rec().service,
        }
        .prefix()
    }

    /// The key name in canonical casing, possibly a pattern such as
    /// `s3:ExistingObjectTag/${TagKey}`.
    pub fn name(&self) -> &'static str {
        self.t.str(self.rec().name)
    }

    /// What it filters on (decoded on first use of any description).
    pub fn description(&self) -> &'static str {
        self.t.text.get(self.rec().description)
    }

    /// Its value type.
    pub fn key_type(&self) -> KeyType {
        self.rec().key_type
    }

    /// Whether the name contains a `${...}` placeholder.
    pub fn is_pattern(&self) -> bool {
        self.name().contains("${")
    }
}

impl GlobalKey {
    /// Canonical name, e.g. `aws:SourceIp`, or a pattern such as `aws:PrincipalTag/${TagKey}`.
    pub fn name(&self) -> &'static str {
        self.t.str(self.rec().name)
    }

    /// Value type.
    pub fn key_type(&self) -> KeyType {
        self.rec().key_type
    }

    /// Whether a request can carry several values.
    pub fn is_multivalued(&self) -> bool {
        self.key_type().is_multivalued()
    }

    /// Group as the data source files it: `principal`, `session`, `network`, `resource` or
    /// `request`.
    pub fn category(&self) -> &'static str {
        self.t.str(self.rec().category)
    }

    /// One-line description, written for iam-ls.
    pub fn description(&self) -> &'static str {
        self.t.str(self.rec().description)
    }
}

impl fmt::Debug for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Service({})", self.prefix())
    }
}

impl fmt::Debug for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Action({})", self.full_name())
    }
}

impl fmt::Debug for ActionResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self.resource_type();
        let star = if self.required() { "*" } else { "" };
        write!(
            f,
            "ActionResource({}:{}{star})",
            r.service_prefix(),
            r.name()
        )
    }
}

impl fmt::Debug for ResourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResourceType({}:{})", self.service_prefix(), self.name())
    }
}

impl fmt::Debug for ConditionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ConditionKey({} in {})",
            self.name(),
            self.service_prefix()
        )
    }
}

impl fmt::Debug for GlobalKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GlobalKey({})", self.name())
    }
}
