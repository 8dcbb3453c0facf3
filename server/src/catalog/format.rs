//! The artifact format and its decoder. The writer is `scripts/catalog/generate.mjs`; both
//! sides change together (and bump [`FORMAT_VERSION`]).
//!
//! ```text
//! header, 32 bytes, not compressed:
//!   magic "IAMLSCAT" | format version | codec (1 = LZ4 block) | core length | core block length
//!   | text length | text string count                              (u32 little-endian each)
//! core block (LZ4), decoded at start-up; unsigned LEB128 numbers:
//!   strings    count, every byte length, then all bytes back to back (UTF-8)
//!   meta       package name, version, updatedAt                    (string ids)
//!   services   count, then per service: prefix, name, #actions, #resource types, #keys
//!   keys       count, then per key: name, description (text id), type code
//!   resources  count, then per type: name, ARN, #keys, key ids (relative to its service)
//!   actions    count, then per action: "prefix:Name", description (text id), access level
//!              code, #resource types, per type: id (relative to service), required (0/1),
//!              #keys, key ids; then #keys, key ids; then #dependent actions, string ids
//!   key index  count, then key ids ordered by lowercase name, then service
//!   globals    count, then per global key: name, type code, category, description
//!   rcp        count, then the ids of the services resource control policies apply to
//!              (ascending)
//! text block (LZ4), decoded when a description is first asked for:
//!   strings    as above: the descriptions of actions and service keys
//! ```
//!
//! Services own consecutive runs of keys, resource types and actions, in service order; each
//! run is sorted by lowercase name. Access level codes: 0 List, 1 Read, 2 Write,
//! 3 Permissions management, 4 Tagging. Type codes follow [`KeyType`]'s declaration order.
//!
//! Decoding checks everything it reads (lengths, ids, runs, UTF-8 and character boundaries) and
//! returns a [`FormatError`] instead of panicking on a damaged artifact.

use std::fmt;
use std::sync::OnceLock;

use super::index::{NameIndex, PatternList};
use super::model::{
    ActionRec, ActionResourceRec, GlobalRec, KeyRec, LazyText, ResourceTypeRec, Run, ServiceRec,
    StringTable, Tables,
};
use super::{AccessLevel, KeyType, cmp_ignore_case};

/// The first eight bytes of every artifact.
pub const MAGIC: &[u8; 8] = b"IAMLSCAT";
/// The layout version this decoder reads.
pub const FORMAT_VERSION: u32 = 2;
/// Codec id for LZ4 blocks.
pub const CODEC_LZ4_BLOCK: u32 = 1;
/// Size of the uncompressed header.
pub const HEADER_LEN: usize = 32;
/// Refuse blocks above this size (a damaged header must not cause a huge allocation).
const MAX_BLOCK: usize = 64 << 20;

/// Why an artifact could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError(String);

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FormatError {}

fn err<T>(what: impl Into<String>) -> Result<T, FormatError> {
    Err(FormatError(what.into()))
}

/// The fields of the uncompressed header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Layout version.
    pub format_version: u32,
    /// Compression codec id.
    pub codec: u32,
    /// Size of the decompressed core block.
    pub core_len: usize,
    /// Size of the compressed core block.
    pub core_block_len: usize,
    /// Size of the decompressed text block.
    pub text_len: usize,
    /// Number of strings in the text block.
    pub text_count: u32,
}

/// Reads and checks the header.
pub fn header(artifact: &[u8]) -> Result<Header, FormatError> {
    let Some(head) = artifact.get(..HEADER_LEN) else {
        return err("artifact shorter than its header");
    };
    if &head[..8] != MAGIC {
        return err("not an iam-ls catalog (bad magic)");
    }
    let word = |at: usize| u32::from_le_bytes([head[at], head[at + 1], head[at + 2], head[at + 3]]);
    let header = Header {
        format_version: word(8),
        codec: word(12),
        core_len: word(16) as usize,
        core_block_len: word(20) as usize,
        text_len: word(24) as usize,
        text_count: word(28),
    };
    if header.format_version != FORMAT_VERSION {
        return err(format!(
            "catalog format {} but this build reads format {FORMAT_VERSION}",
            header.format_version
        ));
    }
    if header.codec != CODEC_LZ4_BLOCK {
        return err(format!("unknown codec {}", header.codec));
    }
    if header.core_len > MAX_BLOCK || header.text_len > MAX_BLOCK {
        return err("block length out of range");
    }
    if HEADER_LEN + header.core_block_len > artifact.len() {
        return err("core block runs past the end of the artifact");
    }
    Ok(header)
}

fn decompress(block: &[u8], len: usize) -> Result<Vec<u8>, FormatError> {
    let mut out = vec![0u8; len];
    match lz4_flex::block::decompress_into(block, &mut out) {
        Ok(n) if n == len => Ok(out),
        Ok(n) => err(format!(
            "block decompressed to {n} bytes, header says {len}"
        )),
        Err(e) => err(format!("block does not decompress: {e}")),
    }
}

struct Reader {
    buf: &'static [u8],
    pos: usize,
}

impl Reader {
    fn num(&mut self) -> Result<u32, FormatError> {
        let mut value: u64 = 0;
        for shift in (0..35).step_by(7) {
            let Some(&byte) = self.buf.get(self.pos) else {
                return err("data ends inside a number");
            };
            self.pos += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return u32::try_from(value).or_else(|_| err("number out of range"));
            }
        }
        err("number longer than five bytes")
    }

    /// A count, checked against the bytes left (every item takes at least one byte).
    fn count(&mut self) -> Result<u32, FormatError> {
        let n = self.num()?;
        if n as usize > self.buf.len().saturating_sub(self.pos) {
            return err("count larger than the remaining data");
        }
        Ok(n)
    }

    /// A string id below `limit`.
    fn id(&mut self, limit: usize) -> Result<u32, FormatError> {
        let id = self.num()?;
        if id as usize >= limit {
            return err(format!("id {id} out of range (limit {limit})"));
        }
        Ok(id)
    }

    fn string_table(&mut self) -> Result<StringTable, FormatError> {
        let n = self.count()? as usize;
        let mut ends = Vec::with_capacity(n);
        let mut end: u32 = 0;
        for _ in 0..n {
            let len = self.num()?;
            end = match end.checked_add(len) {
                Some(e) => e,
                None => return err("string table too long"),
            };
            ends.push(end);
        }
        let buf: &'static [u8] = self.buf;
        let start = self.pos;
        let Some(bytes) = buf.get(start..start + end as usize) else {
            return err("data ends inside the string table");
        };
        let Ok(blob) = std::str::from_utf8(bytes) else {
            return err("string table is not UTF-8");
        };
        if !ends.iter().all(|&e| blob.is_char_boundary(e as usize)) {
            return err("string boundary inside a character");
        }
        self.pos += end as usize;
        Ok(StringTable { blob, ends })
    }

    /// `n` key ids relative to `keys` (the owning service's run) into `refs`.
    fn key_refs(&mut self, refs: &mut Vec<u32>, keys: Run) -> Result<Run, FormatError> {
        let n = self.count()?;
        let start = len_u32(refs.len())?;
        for _ in 0..n {
            let id = self.num()?;
            if id >= keys.len {
                return err("key id outside its service");
            }
            refs.push(keys.start + id);
        }
        Ok(Run { start, len: n })
    }
}

fn len_u32(n: usize) -> Result<u32, FormatError> {
    u32::try_from(n).or_else(|_| err("table too large"))
}

fn leak<T>(v: Vec<T>) -> &'static [T] {
    Box::leak(v.into_boxed_slice())
}

/// Decodes an artifact's core block into tables. The text block stays compressed (borrowed
/// from `artifact`) until [`decode_text`] runs.
pub(crate) fn decode(artifact: &'static [u8]) -> Result<Tables, FormatError> {
    let h = header(artifact)?;
    let core_block = &artifact[HEADER_LEN..HEADER_LEN + h.core_block_len];
    let text_block = &artifact[HEADER_LEN + h.core_block_len..];
    let buf: &'static [u8] = leak(decompress(core_block, h.core_len)?);
    let mut r = Reader { buf, pos: 0 };

    let strings = r.string_table()?;
    let n_str = strings.len();
    let meta = [r.id(n_str)?, r.id(n_str)?, r.id(n_str)?];
    let n_text = h.text_count as usize;

    // Services and the runs they own.
    let n_services = r.count()?;
    let mut services = Vec::with_capacity(n_services as usize);
    let mut next = [0u32; 3];
    for _ in 0..n_services {
        let prefix = r.id(n_str)?;
        let name = r.id(n_str)?;
        let mut runs = [Run::default(); 3];
        for (run, next) in runs.iter_mut().zip(next.iter_mut()) {
            let len = r.count()?;
            *run = Run { start: *next, len };
            *next = match next.checked_add(len) {
                Some(n) => n,
                None => return err("runs overflow"),
            };
        }
        services.push(ServiceRec {
            prefix,
            name,
            actions: runs[0],
            resource_types: runs[1],
            keys: runs[2],
            rcp: false,
        });
    }
    let [n_actions, n_rts, n_keys] = next;

    if r.count()? != n_keys {
        return err("key count does not match the services' runs");
    }
    let mut keys = Vec::with_capacity(n_keys as usize);
    for (s, service) in services.iter().enumerate() {
        for _ in 0..service.keys.len {
            let name = r.id(n_str)?;
            let description = r.id(n_text)?;
            let Some(key_type) = KeyType::from_code(r.num()?) else {
                return err("unknown key type code");
            };
            keys.push(KeyRec {
                name,
                description,
                key_type,
                service: len_u32(s)?,
            });
        }
    }

    // About one key reference per 40 bytes of core data; a guess that avoids regrowing.
    let mut key_refs = Vec::with_capacity(buf.len() / 32);
    if r.count()? != n_rts {
        return err("resource type count does not match the services' runs");
    }
    let mut resource_types = Vec::with_capacity(n_rts as usize);
    for (s, service) in services.iter().enumerate() {
        for _ in 0..service.resource_types.len {
            let name = r.id(n_str)?;
            let arn = r.id(n_str)?;
            let keys = r.key_refs(&mut key_refs, service.keys)?;
            resource_types.push(ResourceTypeRec {
                name,
                arn,
                keys,
                service: len_u32(s)?,
            });
        }
    }

    if r.count()? != n_actions {
        return err("action count does not match the services' runs");
    }
    let mut actions = Vec::with_capacity(n_actions as usize);
    let mut action_resources = Vec::with_capacity(n_actions as usize);
    let mut deps = Vec::new();
    for (s, service) in services.iter().enumerate() {
        let prefix = strings.get(service.prefix);
        for _ in 0..service.actions.len {
            let full_name = r.id(n_str)?;
            let name = strings.get(full_name);
            let well_formed = name
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with(':'));
            if !well_formed {
                return err(format!("action {name} does not start with {prefix}:"));
            }
            let description = r.id(n_text)?;
            let Some(access_level) = AccessLevel::from_code(r.num()?) else {
                return err("unknown access level code");
            };
            let n_res = r.count()?;
            let res_start = len_u32(action_resources.len())?;
            for _ in 0..n_res {
                let id = r.num()?;
                if id >= service.resource_types.len {
                    return err("resource type id outside its service");
                }
                let required = r.num()? != 0;
                let keys = r.key_refs(&mut key_refs, service.keys)?;
                action_resources.push(ActionResourceRec {
                    resource_type: service.resource_types.start + id,
                    required,
                    keys,
                });
            }
            let keys = r.key_refs(&mut key_refs, service.keys)?;
            let n_deps = r.count()?;
            let dep_start = len_u32(deps.len())?;
            for _ in 0..n_deps {
                deps.push(r.id(n_str)?);
            }
            actions.push(ActionRec {
                full_name,
                description,
                resources: Run {
                    start: res_start,
                    len: n_res,
                },
                keys,
                deps: Run {
                    start: dep_start,
                    len: n_deps,
                },
                service: len_u32(s)?,
                access_level,
            });
        }
    }

    let n_index = r.count()?;
    let mut key_index = Vec::with_capacity(n_index as usize);
    for _ in 0..n_index {
        key_index.push(r.id(keys.len())?);
    }

    let n_globals = r.count()?;
    let mut globals = Vec::with_capacity(n_globals as usize);
    for _ in 0..n_globals {
        let name = r.id(n_str)?;
        let Some(key_type) = KeyType::from_code(r.num()?) else {
            return err("unknown global key type code");
        };
        let category = r.id(n_str)?;
        let description = r.id(n_str)?;
        globals.push(GlobalRec {
            name,
            key_type,
            category,
            description,
        });
    }
    let n_rcp = r.count()?;
    for _ in 0..n_rcp {
        let id = r.id(services.len())?;
        services[id as usize].rcp = true;
    }
    if r.pos != buf.len() {
        return err("trailing bytes after the last section");
    }

    let mut global_index: Vec<u32> = (0..len_u32(globals.len())?).collect();
    global_index.sort_by(|&a, &b| {
        cmp_ignore_case(
            strings.get(globals[a as usize].name),
            strings.get(globals[b as usize].name),
        )
    });
    // Pattern keys, leaving out the services' copies of global keys (the global table answers
    // for those), so a lookup scans about a hundred patterns instead of several hundred.
    let is_global = |name: &str| {
        global_index
            .binary_search_by(|&g| cmp_ignore_case(strings.get(globals[g as usize].name), name))
            .is_ok()
    };
    let pattern_keys = PatternList::build(
        keys.iter()
            .enumerate()
            .map(|(i, k)| (strings.get(k.name), i))
            .filter(|&(name, _)| name.contains("${") && !is_global(name))
            .filter_map(|(name, i)| Some((name, u32::try_from(i).ok()?))),
    );
    let global_patterns = PatternList::build(
        globals
            .iter()
            .enumerate()
            .map(|(i, g)| (strings.get(g.name), i))
            .filter(|&(name, _)| name.contains("${"))
            .filter_map(|(name, i)| Some((name, u32::try_from(i).ok()?))),
    );

    let service_names = NameIndex::build(
        (0..len_u32(services.len())?).map(|i| (strings.get(services[i as usize].prefix), i)),
    );
    let action_names = NameIndex::build(
        (0..len_u32(actions.len())?).map(|i| (strings.get(actions[i as usize].full_name), i)),
    );
    let key_names = NameIndex::build(
        key_index
            .iter()
            .map(|&i| (strings.get(keys[i as usize].name), i)),
    );
    let global_names = NameIndex::build(
        global_index
            .iter()
            .map(|&i| (strings.get(globals[i as usize].name), i)),
    );

    Ok(Tables {
        strings,
        text: LazyText {
            compressed: text_block,
            payload_len: h.text_len,
            count: h.text_count,
            table: OnceLock::new(),
        },
        services,
        keys,
        resource_types,
        actions,
        action_resources,
        key_refs,
        deps,
        key_index,
        pattern_keys,
        global_patterns,
        globals,
        global_index,
        service_names,
        action_names,
        key_names,
        global_names,
        meta,
    })
}

/// Decodes the text block (the descriptions).
pub(crate) fn decode_text(text: &LazyText) -> Result<StringTable, FormatError> {
    let buf: &'static [u8] = leak(decompress(text.compressed, text.payload_len)?);
    let mut r = Reader { buf, pos: 0 };
    let table = r.string_table()?;
    if table.len() != text.count as usize {
        return err("text block holds a different number of strings than the header says");
    }
    if r.pos != buf.len() {
        return err("trailing bytes after the text strings");
    }
    Ok(table)
}
