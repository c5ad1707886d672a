#!/usr/bin/env bash
# 500 full SMTP sessions (connect, STARTTLS, AUTH PLAIN, QUIT) against the local
# Postfix instance, 16 at a time: mailconf's client beside swaks doing the same.
# Target: at least 10x faster than swaks.
source "$(dirname "$0")/common.sh"
need swaks swaks
SESSIONS=${SESSIONS:-500}
PARALLEL=${PARALLEL:-16}
build_release mailconf-bench
start_lab

t0=$(now_ns)
seq "$SESSIONS" | xargs -P "$PARALLEL" -I{} swaks --silent 2 -s 127.0.0.1 -p "$SUBMISSION_PORT" -tls --tls-verify \
    --tls-ca-path "$CA_FILE" -a PLAIN -au "$USER" -ap "$PW" --quit-after AUTH -t "$USER" -f "$USER" >/dev/null 2>&1 || true
t1=$(now_ns)
peer=$(( (t1 - t0) / 1000000 ))

out=$("$BIN/mailconf-bench" smtp 127.0.0.1 "$SUBMISSION_PORT" "$CA_FILE" "$USER" "$PASSWORD_FILE" "$SESSIONS" "$PARALLEL")
ours_s=$(echo "$out" | awk '/^wall:/ {print $2}')
echo "$out"
echo "swaks, same $SESSIONS sessions, $PARALLEL at a time: $((peer / 1000)).$(( (peer % 1000) / 10 )) s"
awk -v p="$peer" -v o="$ours_s" 'BEGIN { r = (p / 1000) / o; printf "ratio swaks/mailconf: %.1fx (target >= 10x: %s)\n", r, (r >= 10 ? "met" : "NOT met") }'
