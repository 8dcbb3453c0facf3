//! Case-insensitive hash indexes over the catalog's names.
//!
//! Every rule looks up services, actions and condition keys by name, many times per policy. A
//! binary search over names compares several bytes at each of a dozen probes (neighbouring
//! names share long beginnings: `GetBucketPolicy`, `GetBucketPolicyStatus`), so a look-up
//! cost about a thousand instructions. A [`NameIndex`] is an open-addressing hash table from
//! the hash of a name (ASCII case folded) to its record: one hash of the name, a probe or two,
//! and one comparison of the name found.
//!
//! Two different names with the same 64-bit hash are not told apart here: the index marks the
//! hash as shared, and [`NameIndex::find`] leaves the answer to the caller's binary search.

/// FNV-1a over ASCII-lowercased bytes. Fed in pieces, so that `prefix`, `:`, `name` hash like
/// the whole `prefix:name` without building it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CaselessHash(u64);

impl CaselessHash {
    pub(crate) const fn new() -> CaselessHash {
        CaselessHash(0xcbf2_9ce4_8422_2325)
    }

    /// Adds bytes.
    pub(crate) fn write(mut self, bytes: &[u8]) -> CaselessHash {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(0x0100_0000_01b3);
        }
        self
    }

    /// The hash of everything written.
    pub(crate) fn finish(self) -> u64 {
        self.0
    }
}

/// The [`CaselessHash`] of one name.
pub(crate) fn hash_name(name: &str) -> u64 {
    CaselessHash::new().write(name.as_bytes()).finish()
}

/// A slot that holds nothing.
const FREE: u32 = u32::MAX;
/// A slot whose hash two names share that differ (ignoring case).
const SHARED: u32 = u32::MAX - 1;

/// Name hash → record id, in slots of `(hash, id)` found by linear probing from
/// `hash % slots.len()`; at least a quarter of the slots stay free.
#[derive(Debug, Default)]
pub(crate) struct NameIndex {
    slots: Vec<(u64, u32)>,
}

impl NameIndex {
    pub(crate) const EMPTY: NameIndex = NameIndex { slots: Vec::new() };

    /// Indexes `(name, id)` pairs given in priority order: among names equal ignoring case, the
    /// first one is the one found.
    pub(crate) fn build<'a>(names: impl ExactSizeIterator<Item = (&'a str, u32)>) -> NameIndex {
        let size = (names.len() * 4 / 3 + 1).next_power_of_two();
        let mask = size - 1;
        let mut slots = vec![(0, FREE); size];
        let mut slot_names = vec![""; size];
        for (name, id) in names {
            let hash = hash_name(name);
            let mut i = hash as usize & mask;
            loop {
                let slot = &mut slots[i];
                if slot.1 == FREE {
                    *slot = (hash, id);
                    slot_names[i] = name;
                    break;
                }
                if slot.0 == hash {
                    if !slot_names[i].eq_ignore_ascii_case(name) {
                        slot.1 = SHARED;
                    }
                    break;
                }
                i = (i + 1) & mask;
            }
        }
        NameIndex { slots }
    }

    /// The record whose name has this hash, if `is_it` confirms that its name is the one
    /// looked up. When two names share the hash, `fallback` decides.
    pub(crate) fn find(
        &self,
        hash: u64,
        is_it: impl FnOnce(u32) -> bool,
        fallback: impl FnOnce() -> Option<u32>,
    ) -> Option<u32> {
        let mask = self.slots.len().checked_sub(1)?;
        let mut i = hash as usize & mask;
        loop {
            let (h, id) = self.slots[i];
            if id == FREE {
                return None;
            }
            if h == hash {
                return match id {
                    SHARED => fallback(),
                    id => is_it(id).then_some(id),
                };
            }
            i = (i + 1) & mask;
        }
    }
}

/// Condition key patterns (names with `${...}` placeholders), each with the first bytes of its
/// literal beginning, so that a look-up tries only the patterns a name can fill
/// (`aws:ResourceTag/Env` skips `aws:PrincipalTag/${TagKey}` on its fifth byte, without a call).
#[derive(Debug, Default)]
pub(crate) struct PatternList {
    /// `(first bytes of the literal beginning, mask of those bytes, id)`, in the order given.
    entries: Vec<(u64, u64, u32)>,
}

impl PatternList {
    pub(crate) const EMPTY: PatternList = PatternList {
        entries: Vec::new(),
    };

    /// Lists `(pattern, id)` pairs, keeping their order.
    pub(crate) fn build<'a>(patterns: impl Iterator<Item = (&'a str, u32)>) -> PatternList {
        let entries = patterns
            .map(|(pattern, id)| {
                let literal = pattern.find("${").unwrap_or(pattern.len());
                let (bytes, mask) = first_bytes(&pattern.as_bytes()[..literal]);
                (bytes, mask, id)
            })
            .collect();
        PatternList { entries }
    }

    /// The ids of the patterns whose literal beginning agrees with the start of `name`
    /// (ignoring case) as far as the first eight bytes go, in order: every pattern `name` can
    /// fill is among them.
    pub(crate) fn candidates(&self, name: &str) -> impl Iterator<Item = u32> + '_ {
        let (start, _) = first_bytes(name.as_bytes());
        self.entries
            .iter()
            .filter(move |&&(bytes, mask, _)| start & mask == bytes)
            .map(|&(_, _, id)| id)
    }
}

/// Up to eight bytes, lowercased, packed into an integer, and the mask of the bytes present.
fn first_bytes(text: &[u8]) -> (u64, u64) {
    let (mut bytes, mut mask) = (0u64, 0u64);
    for (i, &b) in text.iter().take(8).enumerate() {
        bytes |= u64::from(b.to_ascii_lowercase()) << (8 * i);
        mask |= 0xff << (8 * i);
    }
    (bytes, mask)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_ignore_case_and_compose() {
        assert_eq!(hash_name("s3:GetObject"), hash_name("S3:getobject"));
        let pieces = CaselessHash::new()
            .write(b"s3")
            .write(b":")
            .write(b"GetObject")
            .finish();
        assert_eq!(pieces, hash_name("s3:getObject"));
        assert_ne!(hash_name("s3:GetObject"), hash_name("s3:GetObjects"));
    }

    #[test]
    fn first_of_equal_names_wins_and_shared_hashes_fall_back() {
        let index = NameIndex::build([("Alpha", 7), ("ALPHA", 8), ("beta", 9)].into_iter());
        let found = index.find(hash_name("alpha"), |id| id == 7, || Some(0));
        assert_eq!(found, Some(7));
        // The candidate is checked by the caller.
        assert_eq!(index.find(hash_name("beta"), |_| false, || Some(0)), None);
        assert_eq!(index.find(hash_name("gamma"), |_| true, || Some(0)), None);
        // Simulate two different names under one hash.
        let shared = NameIndex {
            slots: vec![(0, FREE), (1, SHARED)],
        };
        assert_eq!(shared.find(1, |_| true, || Some(42)), Some(42));
        assert_eq!(shared.find(2, |_| true, || Some(42)), None);
        assert_eq!(NameIndex::EMPTY.find(1, |_| true, || Some(42)), None);
    }

    #[test]
    fn pattern_candidates_share_the_literal_beginning() {
        let list = PatternList::build(
            [
                ("aws:PrincipalTag/${TagKey}", 1),
                ("aws:ResourceTag/${TagKey}", 2),
                ("s3:ExistingObjectTag/${TagKey}", 3),
                ("${Provider}:sub", 4),
                ("aws:Res${X}", 5),
            ]
            .into_iter(),
        );
        let found: Vec<u32> = list.candidates("AWS:resourcetag/Env").collect();
        assert_eq!(found, [2, 4, 5]);
        let found: Vec<u32> = list.candidates("aws").collect();
        assert_eq!(found, [4]);
    }
}
