#!/usr/bin/env bash
# mailconf deliverability on a domain whose SPF nests includes ten deep (tenlookups.test),
# against the lab's dnsmasq, beside checkdmarc (PyPI) on the same zone: wall time and the
# DNS queries each sent (counted in dnsmasq's own query log).
# Target: fewer or equal queries (cache and parallelism) and a faster wall time.
source "$(dirname "$0")/common.sh"
need python3 python3
RUNS=${RUNS:-15}
DOMAIN=${DOMAIN:-tenlookups.test}
build_release mailconf
tmp=$(mktemp -d)
start_lab
LOG="$DNS_LOG"
queries() { grep -c ' query\[' "$LOG" || true; }
# Warm checkdmarc's venv (first run installs it from PyPI).
"$ROOT/scripts/checkdmarc-peer.sh" "127.0.0.1:$DNS_PORT" "$DOMAIN" > /dev/null

run() {  # $1 label, rest: command; prints "seconds queries" per run
    for _ in $(seq "$RUNS"); do
        q0=$(queries); t0=$(now_ns)
        "${@:2}" > /dev/null 2>&1 || true
        t1=$(now_ns); sleep 0.05; q1=$(queries)
        echo "$(( (t1 - t0) / 1000 )) $((q1 - q0))"
    done > "$tmp/$1"
}
run mailconf "$BIN/mailconf" deliverability "$DOMAIN" --provider sendgrid --dns-server "127.0.0.1:$DNS_PORT" --json --db "$tmp/catalog.sqlite"
run checkdmarc "$ROOT/scripts/checkdmarc-peer.sh" "127.0.0.1:$DNS_PORT" "$DOMAIN"
lookups=$( ("$BIN/mailconf" deliverability "$DOMAIN" --dns-server "127.0.0.1:$DNS_PORT" --json --db "$tmp/catalog.sqlite" || true) \
          | python3 -c 'import json,sys; print(json.load(sys.stdin)["spf"]["lookups"])')
m_t=$(awk '{print $1}' "$tmp/mailconf" | median); m_q=$(awk '{print $2}' "$tmp/mailconf" | median)
c_t=$(awk '{print $1}' "$tmp/checkdmarc" | median); c_q=$(awk '{print $2}' "$tmp/checkdmarc" | median)
echo "deliverability $DOMAIN (SPF: $lookups DNS lookups through nested includes), median of $RUNS runs, whole process:"
awk -v t="$m_t" -v q="$m_q" 'BEGIN { printf "  mailconf:   %.1f ms, %d DNS queries (SPF, DKIM, DMARC, MX, MTA-STS, TLS-RPT)\n", t / 1000, q }'
awk -v t="$c_t" -v q="$c_q" 'BEGIN { printf "  checkdmarc: %.1f ms, %d DNS queries (SPF, DMARC, MX, MTA-STS, TLS-RPT, DNSSEC)\n", t / 1000, q }'
awk -v mt="$m_t" -v ct="$c_t" -v mq="$m_q" -v cq="$c_q" 'BEGIN {
    printf "  wall time checkdmarc/mailconf: %.1fx (target > 1: %s)\n", ct / mt, (ct > mt ? "met" : "NOT met")
    printf "  queries mailconf/checkdmarc: %d/%d (target <=: %s)\n", mq, cq, (mq <= cq ? "met" : "NOT met") }'
