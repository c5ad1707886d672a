#!/usr/bin/env bash
# Import all of the ISPDB copy into a fresh catalog, beside `xmllint --noout` parsing
# the same files in one process. Target: mailconf at most 2x xmllint.
source "$(dirname "$0")/common.sh"
need xmllint libxml2-utils
[ -d "$ISPDB" ] || { echo "no ISPDB copy at $ISPDB (set MAILCONF_ISPDB)" >&2; exit 1; }
build_release mailconf-bench
build_release mailconf
RUNS=${RUNS:-7}
files=("$ISPDB"/*.xml)
tmp=$(mktemp -d)
peer=(); ours=(); total=(); inproc=()
for i in $(seq "$RUNS"); do
    t0=$(now_ns); xmllint --noout --nonet "${files[@]}"; t1=$(now_ns)
    peer+=($(( (t1 - t0) / 1000 )))
    rm -f "$tmp"/c.sqlite*
    "$BIN/mailconf" catalog info --db "$tmp/c.sqlite" >/dev/null       # fresh catalog, presets seeded
    t0=$(now_ns); "$BIN/mailconf" import "$ISPDB" --db "$tmp/c.sqlite" >/dev/null; t1=$(now_ns)
    ours+=($(( (t1 - t0) / 1000 )))
    rm -f "$tmp"/c.sqlite*
    t0=$(now_ns); "$BIN/mailconf" import "$ISPDB" --db "$tmp/c.sqlite" >/dev/null; t1=$(now_ns)
    total+=($(( (t1 - t0) / 1000 )))
    rm -f "$tmp"/c.sqlite*
    inproc+=($("$BIN/mailconf-bench" import "$tmp/c.sqlite" "$ISPDB" | awk '{print int($(NF-1) * 1000)}'))
done
p=$(printf '%s\n' "${peer[@]}" | median); o=$(printf '%s\n' "${ours[@]}" | median); t=$(printf '%s\n' "${total[@]}" | median)
n=$(printf '%s\n' "${inproc[@]}" | median)
s=$(for i in $(seq "$RUNS"); do t0=$(now_ns); "$BIN/mailconf" --version >/dev/null; t1=$(now_ns); echo $(( (t1 - t0) / 1000 )); done | median)
echo "files: ${#files[@]}   runs: $RUNS (medians, wall time, whole processes)"
echo "xmllint --noout (parse only):              $((p / 1000)) ms"
echo "mailconf import into a fresh catalog:      $((o / 1000)) ms"
echo "mailconf import, creating the catalog too: $((t / 1000)) ms"
echo "  of which the import itself (in-process):  $((n / 1000)) ms"
echo "  process start-up (mailconf --version):    $((s / 1000)) ms"
awk -v o="$o" -v p="$p" 'BEGIN { r = o / p; printf "ratio mailconf/xmllint, whole processes: %.2f (target <= 2.00: %s)\n", r, (r <= 2 ? "met" : "NOT met") }'
awk -v n="$n" -v p="$p" 'BEGIN { printf "ratio in-process import/xmllint process:  %.2f\n", n / p }'
