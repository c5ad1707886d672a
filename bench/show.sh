#!/usr/bin/env bash
# Wall time of `mailconf providers show gmail` from a release build, cold (catalog
# created and seeded in the run) and warm, beside `sqlite3` answering one query from
# the same catalog file. Target: under 50 ms.
source "$(dirname "$0")/common.sh"
build_release mailconf
RUNS=${RUNS:-20}
tmp=$(mktemp -d)
cold=(); warm=(); peer=()
for i in $(seq "$RUNS"); do
    rm -f "$tmp"/c.sqlite*
    t0=$(now_ns); "$BIN/mailconf" providers show gmail --db "$tmp/c.sqlite" >/dev/null; t1=$(now_ns)
    cold+=($(( (t1 - t0) / 1000 )))
    t0=$(now_ns); "$BIN/mailconf" providers show gmail --db "$tmp/c.sqlite" >/dev/null; t1=$(now_ns)
    warm+=($(( (t1 - t0) / 1000 )))
    if command -v sqlite3 >/dev/null; then
        t0=$(now_ns); sqlite3 "$tmp/c.sqlite" "SELECT * FROM server WHERE provider_id='gmail'" >/dev/null; t1=$(now_ns)
        peer+=($(( (t1 - t0) / 1000 )))
    fi
done
c=$(printf '%s\n' "${cold[@]}" | median); w=$(printf '%s\n' "${warm[@]}" | median)
echo "runs: $RUNS (medians, wall time)"
echo "providers show gmail, cold catalog: $((c / 1000)).$(( (c % 1000) / 100 )) ms (target < 50 ms: $([ "$c" -lt 50000 ] && echo met || echo NOT met))"
echo "providers show gmail, warm catalog: $((w / 1000)).$(( (w % 1000) / 100 )) ms"
if [ ${#peer[@]} -gt 0 ]; then
    p=$(printf '%s\n' "${peer[@]}" | median)
    echo "peer: sqlite3 one query, same file: $((p / 1000)).$(( (p % 1000) / 100 )) ms"
    awk -v w="$w" -v p="$p" 'BEGIN { printf "ratio warm show / sqlite3: %.2f\n", w / p }'
fi
