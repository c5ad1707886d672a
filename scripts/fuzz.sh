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
# Targets: clientconfig smtp-reply imap-pop3 dns-message autodiscover spf tag-lists
# x509 username (docs/fuzzing.md says what each feeds and checks).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TARGETS=(clientconfig smtp-reply imap-pop3 dns-message autodiscover spf tag-lists x509 username)
seconds=60
only=""
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds="${2:?--seconds needs a number}"; shift 2 ;;
        -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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
mkdir -p "$BUILD"
cd "$ROOT/fuzz"
# -enable-testing: a target reaches the parser inside its module (@testable import), so
# no parser is made public for the fuzzer's sake. One build for every target.
products=()
for t in "${TARGETS[@]}"; do products+=(--product "fuzz-$t"); done
if [ ${#TARGETS[@]} -gt 1 ]; then products=(); fi
echo "building the fuzz targets (output in $BUILD/build.log)"
# A failed build stops here: an older binary left in .build-fuzz must never be fuzzed
# in place of the current source.
if ! swift build -c release --build-path "$BUILD" -Xswiftc -sanitize=fuzzer,address -Xswiftc -g -Xswiftc -enable-testing \
        "${products[@]}" > "$BUILD/build.log" 2>&1; then
    grep -v "Cannot export local symbol" "$BUILD/build.log" | grep -B2 -A6 "error:" | head -60 >&2
    echo "the fuzz targets did not build (the whole output is in $BUILD/build.log)" >&2
    exit 1
fi
tail -n 1 "$BUILD/build.log"
for t in "${TARGETS[@]}"; do
    [ -x "$BUILD/release/fuzz-$t" ] || { echo "fuzz-$t did not build (see $BUILD/build.log)" >&2; exit 1; }
done

# libFuzzer and ASan report a crash with its stack themselves; Swift's own backtracer,
# started from the crashed process, was seen to wait forever under them.
export SWIFT_BACKTRACE=enable=no
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
status=0
for t in "${TARGETS[@]}"; do
    work="$BUILD/corpus/$t"; findings="$BUILD/findings/$t"
    mkdir -p "$work" "$findings"
    seeds=("$ROOT/fuzz/corpus/$t")
    if [ "$t" = clientconfig ]; then
        seeds+=("$ROOT/Providers")
        if [ -d "$ISPDB" ]; then seeds+=("$ISPDB"); else echo "no ISPDB at $ISPDB: seeding from the repository only"; fi
    fi
    extra=()
    # Async code frees a task's memory on another thread after the input has run, so
    # libFuzzer's per-input leak check (which runs when an input's mallocs and frees do
    # not balance) ran a full LeakSanitizer scan for every SPF input: 24 inputs a second
    # instead of thousands. Leaks are still looked for when the run ends.
    [ "$t" = spf ] && extra=(-detect_leaks=0)
    dict=()
    [ -f "$ROOT/fuzz/dictionaries/$t.dict" ] && dict=(-dict="$ROOT/fuzz/dictionaries/$t.dict")
    echo "== fuzz-$t for ${seconds}s"
    if ! "$BUILD/release/fuzz-$t" "$work" "${seeds[@]}" "${dict[@]}" "${extra[@]}" -max_total_time="$seconds" -max_len=65536 \
            -rss_limit_mb=2048 -malloc_limit_mb=256 -timeout=10 -artifact_prefix="$findings/" -print_final_stats=1 2>&1 \
            | grep -E "^(#[0-9]+[[:space:]]+(DONE|INITED)|stat::|==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written|fuzz property broken)" ; then
        :
    fi
    if [ -n "$(ls -A "$findings" 2>/dev/null)" ]; then
        echo "fuzz-$t found something: $(ls "$findings" | tr '\n' ' ')"
        status=1
    fi
done
exit $status
