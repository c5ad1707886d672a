#!/usr/bin/env bash
# Builds mailconf's libFuzzer targets (fuzz/, a package of its own) with
# -sanitize=fuzzer,address and runs them on their seed corpora.
#
#   scripts/fuzz.sh [TARGET] [--seconds N]     (default: every target, 60 s each)
#
# Seeds: fuzz/corpus/TARGET (committed, small) plus real data found at run time
# (the ISPDB files under $MAILCONF_ISPDB and Providers/ for clientconfig; the ISPDB is
# never copied into the repository). New inputs go to a working corpus under
# .build-fuzz/, crashes and memory findings to .build-fuzz/findings/TARGET/.
# Memory ceilings: -rss_limit_mb=2048 and -malloc_limit_mb=256, so that an input that
# makes a parser allocate far beyond its size is a finding too.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TARGETS=(clientconfig)
seconds=60
only=""
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds="${2:?--seconds needs a number}"; shift 2 ;;
        -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
        *) only="$1"; shift ;;
    esac
done
if [ -n "$only" ]; then
    [[ " ${TARGETS[*]} " == *" $only "* ]] || { echo "unknown target '$only': expected one of ${TARGETS[*]}" >&2; exit 2; }
    TARGETS=("$only")
fi
case "$seconds" in ''|*[!0-9]*) echo "--seconds $seconds: expected a whole number" >&2; exit 2 ;; esac

BUILD="$ROOT/.build-fuzz"
cd "$ROOT/fuzz"
for t in "${TARGETS[@]}"; do
    swift build -c release --build-path "$BUILD" -Xswiftc -sanitize=fuzzer,address -Xswiftc -g --product "fuzz-$t" 2>&1 \
        | grep -v "Cannot export local symbol" || true
    [ -x "$BUILD/release/fuzz-$t" ] || { echo "fuzz-$t did not build" >&2; exit 1; }
done

ISPDB="${MAILCONF_ISPDB:-$(cd "$ROOT/.." && pwd)/shared/ispdb}"
status=0
for t in "${TARGETS[@]}"; do
    work="$BUILD/corpus/$t"; findings="$BUILD/findings/$t"
    mkdir -p "$work" "$findings"
    seeds=("$ROOT/fuzz/corpus/$t")
    if [ "$t" = clientconfig ]; then
        seeds+=("$ROOT/Providers")
        if [ -d "$ISPDB" ]; then seeds+=("$ISPDB"); else echo "no ISPDB at $ISPDB: seeding from the repository only"; fi
    fi
    dict=()
    [ -f "$ROOT/fuzz/dictionaries/$t.dict" ] && dict=(-dict="$ROOT/fuzz/dictionaries/$t.dict")
    echo "== fuzz-$t for ${seconds}s"
    if ! "$BUILD/release/fuzz-$t" "$work" "${seeds[@]}" "${dict[@]}" -max_total_time="$seconds" -max_len=65536 \
            -rss_limit_mb=2048 -malloc_limit_mb=256 -timeout=10 -artifact_prefix="$findings/" -print_final_stats=1 2>&1 \
            | grep -E "^(#[0-9]+[[:space:]]+(DONE|INITED)|stat::|==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)" ; then
        :
    fi
    if [ -n "$(ls -A "$findings" 2>/dev/null)" ]; then
        echo "fuzz-$t found something: $(ls "$findings" | tr '\n' ' ')"
        status=1
    fi
done
exit $status
