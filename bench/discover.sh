#!/usr/bin/env bash
# mailconf discover from an address to a verified configuration, against local fixtures:
# the lab's dnsmasq (MX, SRV, TXT, A records for disco.test), the lab Postfix behind them,
# a `mailconf serve` over https as autoconfig.disco.test and another as the ISPDB.
# Printed beside the same discovery with the sources asked one after another, and the
# slowest single source. Target: the whole answer in little more than the slowest source.
source "$(dirname "$0")/common.sh"
need openssl openssl
need python3 python3
RUNS=${RUNS:-15}
build_release mailconf
tmp=$(mktemp -d)
start_lab
mc() { "$BIN/mailconf" "$@" --db "$tmp/catalog.sqlite"; }
mc servers add --provider disco-lab --name "Disco lab" --host mail.mailconf.test --port "$SMTPS_PORT" \
    --security tls --auth password-cleartext --username %EMAILADDRESS% >/dev/null
mc servers add --provider disco-lab --protocol imap --host mail.mailconf.test --port 9 \
    --security tls --auth password-cleartext --username %EMAILADDRESS% >/dev/null
mc domains add disco.test --provider disco-lab >/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" -days 2 \
    -subj /CN=autoconfig.disco.test -addext subjectAltName=DNS:autoconfig.disco.test,DNS:disco.test 2>/dev/null
cat "$CA_FILE" "$tmp/cert.pem" > "$tmp/trust.pem"

serve() {  # $1 log file, rest: arguments; prints the port (the pid goes to $1.pid)
    # Not through mc: a backgrounded shell function is a subshell, and its pid is not the server's.
    "$BIN/mailconf" serve --port 0 "${@:2}" --db "$tmp/catalog.sqlite" > "$1" 2>&1 &
    echo $! > "$1.pid"
    for _ in $(seq 100); do
        port=$(sed -n 's/.*listening on https\{0,1\}:\/\/127.0.0.1:\([0-9]*\)\/.*/\1/p' "$1")
        [ -n "$port" ] && { echo "$port"; return; }
        sleep 0.05
    done
    echo "mailconf serve did not start: $(cat "$1")" >&2; exit 1
}
HTTPS_PORT=$(serve "$tmp/https.log" --tls-cert "$tmp/cert.pem" --tls-key "$tmp/key.pem")
ISPDB_PORT=$(serve "$tmp/ispdb.log" --all-domains)
pids+=("$(cat "$tmp/https.log.pid")" "$(cat "$tmp/ispdb.log.pid")")

args=(discover alice@disco.test --dns-server "127.0.0.1:$DNS_PORT" --ca-file "$tmp/trust.pem"
      --connect-to "autoconfig.disco.test:443:127.0.0.1:$HTTPS_PORT" --ispdb-url "http://127.0.0.1:$ISPDB_PORT/v1.1/"
      --timeout 2 --json)
# Seconds: sources done, whole answer, slowest single source, process wall time.
measure() {
    for _ in $(seq "$RUNS"); do
        t0=$(now_ns)
        mc "${args[@]}" "$@" > "$tmp/out.json" || true
        t1=$(now_ns)
        python3 - "$tmp/out.json" $(( (t1 - t0) / 1000 )) <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(r["sources_seconds"], r["total_seconds"], max(s["seconds"] for s in r["sources"]), int(sys.argv[2]) / 1e6,
      sum(1 for c in r["candidates"] if c.get("verified")))
PY
    done
}
measure > "$tmp/parallel"
measure --sequential > "$tmp/sequential"
col() { awk -v c="$1" '{print $c}' "$2" | median; }
p_src=$(col 1 "$tmp/parallel"); p_all=$(col 2 "$tmp/parallel"); slowest=$(col 3 "$tmp/parallel"); p_wall=$(col 4 "$tmp/parallel")
s_src=$(col 1 "$tmp/sequential"); s_all=$(col 2 "$tmp/sequential")
verified=$(col 5 "$tmp/parallel")
echo "discover alice@disco.test, median of $RUNS runs (7 sources, $verified candidates verified):"
awk -v a="$p_src" -v b="$p_all" -v c="$p_wall" 'BEGIN { printf "  all sources at once: sources %.3f s, with the live checks %.3f s, whole process %.3f s\n", a, b, c }'
awk -v a="$s_src" -v b="$s_all" 'BEGIN { printf "  one after another:   sources %.3f s, with the live checks %.3f s\n", a, b }'
awk -v a="$slowest" 'BEGIN { printf "  slowest single source: %.3f s\n", a }'
awk -v p="$p_src" -v s="$s_src" -v m="$slowest" 'BEGIN {
    printf "  at once vs one after another: %.1fx faster\n", s / p
    r = p / m; printf "  sources at once / slowest source: %.2f (target: little more than 1: %s)\n", r, (r <= 1.5 ? "met" : "NOT met") }'
