#!/usr/bin/env bash
# Runs the benchmarks of docs/benchmarks.md side by side with the peers.
#
# 1. Builds the release server and the harness (`cargo build --release -p iam-ls -p iam-ls-bench`).
# 2. Makes a throwaway Python virtualenv in a cache folder and installs the peers from PyPI at
#    pinned versions: parliament and cfn-lint.
# 3. Points the harness at the AWS managed policy corpus (server/tests/data/, committed).
# 4. Runs `iam-ls-bench` with all of them: prints the Markdown tables and writes the raw figures
#    to $OUT/bench.json.
#
# Usage: scripts/bench-peers.sh [--fresh] [iam-ls-bench options...]
#   --fresh           delete the cached virtualenv first
#   any other option  passed to iam-ls-bench (e.g. --rounds 3, --sample 50, --only cli)
# Environment:
#   IAM_LS_BENCH_CACHE  cache folder (default: ${XDG_CACHE_HOME:-$HOME/.cache}/iam-ls-bench)
#   IAM_LS_BENCH_OUT    where bench.json goes (default: the cache folder)
#   CARGO_TARGET_DIR    cargo's target folder (default: ./target)
#   PYTHON              the Python that makes the virtualenv (default: python3)
#   IAM_LS_BENCH_CORPUS the corpus: the .lz4 file or a folder of .json policies
#
# The benchmark reports; it never fails on slow figures. It exits non-zero only when something
# could not run or a tool did not answer as expected.
set -euo pipefail

PARLIAMENT_VERSION=1.6.4
CFN_LINT_VERSION=1.58.0

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

cache=${IAM_LS_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/iam-ls-bench}
out=${IAM_LS_BENCH_OUT:-$cache}
target=${CARGO_TARGET_DIR:-$root/target}
python=${PYTHON:-python3}

fresh=0
args=()
for arg in "$@"; do
    case "$arg" in
        --fresh) fresh=1 ;;
        *) args+=("$arg") ;;
    esac
done

venv="$cache/venv-parliament-$PARLIAMENT_VERSION-cfn-lint-$CFN_LINT_VERSION"
if [ "$fresh" = 1 ]; then
    rm -rf "$venv"
fi
mkdir -p "$cache" "$out"

log() { printf '[bench-peers] %s\n' "$*" >&2; }

# --- the peers ------------------------------------------------------------------------------
if [ ! -x "$venv/bin/cfn-lint" ] || [ ! -x "$venv/bin/parliament" ]; then
    log "installing parliament $PARLIAMENT_VERSION and cfn-lint $CFN_LINT_VERSION into $venv"
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        "parliament==$PARLIAMENT_VERSION" "cfn-lint==$CFN_LINT_VERSION"
fi
# Both must import from the virtualenv.
"$venv/bin/python" -c 'import parliament, cfnlint' || {
    log "parliament or cfn-lint does not import in $venv (try --fresh)"
    exit 1
}

# --- the corpus -----------------------------------------------------------------------------
# Every AWS managed policy, committed as one LZ4 block by scripts/gen-corpus.sh; the harness
# extracts it to one .json file per policy in a scratch folder.
corpus=${IAM_LS_BENCH_CORPUS:-$root/server/tests/data/managed-policies.txt.lz4}
if [ ! -e "$corpus" ]; then
    log "$corpus is missing (scripts/gen-corpus.sh writes it)"
    exit 1
fi

# --- the build ------------------------------------------------------------------------------
log "building the release server and the harness"
cargo build --release -p iam-ls -p iam-ls-bench

# --- the run --------------------------------------------------------------------------------
log "load before the run: $(uptime)"
"$target/release/iam-ls-bench" \
    --server "$target/release/iam-ls" \
    --corpus "$corpus" \
    --venv "$venv" \
    --json "$out/bench.json" \
    ${args[@]+"${args[@]}"}
log "load after the run: $(uptime)"
log "raw figures: $out/bench.json"
