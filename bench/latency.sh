#!/usr/bin/env bash
# One SMTP check (STARTTLS, AUTH PLAIN, the envelope probe) and one IMAP check
# (STARTTLS, login) through relays that add a round trip of RTT ms, as real servers
# 20–200 ms away do: mailconf verify beside swaks and curl doing the same. Prints each
# one's wall time and round trips (wall time / RTT), and a failing setting to its
# working alternative. Targets (issue 16): the SMTP check in at most 8 round trips,
# fewer than swaks; the IMAP check in at most 5; the failing setting to its alternative
# in at most 1.3x one check's time.
# Each client also runs straight against the lab, without the relay: its time there is
# what is not round trips (the process starting, both sides' CPU), and (wall time -
# that) / RTT is the round trips the added latency cost it.
# Env: RTT (50 ms), RUNS (5), RELAY_PORT, IMAP_RELAY_PORT, MAILCONF_BIN (an existing
# mailconf binary instead of the release build).
source "$(dirname "$0")/common.sh"
need swaks swaks
need python3 python3
need curl curl
RTT=${RTT:-50}
RUNS=${RUNS:-5}
RELAY_PORT=${RELAY_PORT:-18325}
IMAP_RELAY_PORT=${IMAP_RELAY_PORT:-18326}
mailconf_binary
tmp=$(mktemp -d)
start_lab
python3 "$ROOT/bench/delay-relay.py" "$RELAY_PORT" 127.0.0.1 "$SUBMISSION_PORT" "$((RTT / 2))" > "$tmp/relay.out" &
pids+=($!)
python3 "$ROOT/bench/delay-relay.py" "$IMAP_RELAY_PORT" 127.0.0.1 "$IMAP_PORT" "$((RTT / 2))" > "$tmp/imap-relay.out" &
pids+=($!)
for _ in $(seq 50); do grep -q ready "$tmp/relay.out" 2>/dev/null && grep -q ready "$tmp/imap-relay.out" 2>/dev/null && break; sleep 0.1; done
printf '%s' "$PW" > "$tmp/pw"; chmod 600 "$tmp/pw"

ms() { echo $(( ($2 - $1) / 1000000 )); }
tenths() { echo $(( ($2 - $1) / 100000 )); }   # tenths of a millisecond
# The certificate names localhost; --host 127.0.0.1 would be a name mismatch, so the
# checks connect to localhost through the relay's port on 127.0.0.1.
mailconf_check() {
    "$mailconf" verify --host localhost --port "$1" --security "$2" --auth plain --username "$USER" \
        --password-file "$tmp/pw" --ca-file "$CA_FILE" --timeout 10 --db "$tmp/catalog.sqlite" >"$tmp/out${3:-}" 2>&1 || true
}
"$mailconf" providers list --db "$tmp/catalog.sqlite" >/dev/null   # the catalog made before timing
mailconf_check "$RELAY_PORT" starttls; grep -q '^ok' "$tmp/out" || { echo "mailconf's check through the relay failed:" >&2; cat "$tmp/out" >&2; exit 1; }

imap_check() {
    "$mailconf" verify --protocol imap --host localhost --port "${1:-$IMAP_RELAY_PORT}" --security starttls \
        --auth password-cleartext --username "$USER" --password-file "$tmp/pw" --ca-file "$CA_FILE" --timeout 10 \
        --db "$tmp/catalog.sqlite" >"$tmp/imap-out${2:-}" 2>&1 || true
}
imap_check; grep -q '^ok' "$tmp/imap-out" || { echo "mailconf's IMAP check through the relay failed:" >&2; cat "$tmp/imap-out" >&2; exit 1; }

swaks_check() {
    swaks --silent 2 -s localhost -p "$1" -tls --tls-verify --tls-ca-path "$CA_FILE" -a PLAIN -au "$USER" -ap "$PW" \
        -f "$USER" -t mailconf-probe@example.com --quit-after RCPT >/dev/null 2>&1 || true
}
# curl: STARTTLS (required), login, one NOOP, logout.
curl_check() {
    curl -s --ssl-reqd --cacert "$CA_FILE" --user "$USER:$PW" -X NOOP "imap://localhost:$1/" >/dev/null 2>&1 || true
}

# What a round trip through the relay really costs (an echo through a relay of its own).
relay_rtt=$(python3 "$ROOT/bench/relay-check.py" "$((RTT / 2))")

ours=(); peer=(); alt=(); imap=(); curl_imap=()
ours0=(); peer0=(); imap0=(); curl0=()
for _ in $(seq "$RUNS"); do
    t0=$(now_ns); mailconf_check "$RELAY_PORT" starttls; t1=$(now_ns); ours+=("$(ms "$t0" "$t1")")
    t0=$(now_ns); swaks_check "$RELAY_PORT"; t1=$(now_ns); peer+=("$(ms "$t0" "$t1")")
    # SSL/TLS on the STARTTLS port: fails, and the same port with STARTTLS is found at once.
    t0=$(now_ns); mailconf_check "$RELAY_PORT" tls; t1=$(now_ns); alt+=("$(ms "$t0" "$t1")")
    t0=$(now_ns); imap_check; t1=$(now_ns); imap+=("$(ms "$t0" "$t1")")
    t0=$(now_ns); curl_check "$IMAP_RELAY_PORT"; t1=$(now_ns); curl_imap+=("$(ms "$t0" "$t1")")
    # The same four without the relay.
    t0=$(now_ns); mailconf_check "$SUBMISSION_PORT" starttls -direct; t1=$(now_ns); ours0+=("$(tenths "$t0" "$t1")")
    t0=$(now_ns); swaks_check "$SUBMISSION_PORT"; t1=$(now_ns); peer0+=("$(tenths "$t0" "$t1")")
    t0=$(now_ns); imap_check "$IMAP_PORT" -direct; t1=$(now_ns); imap0+=("$(tenths "$t0" "$t1")")
    t0=$(now_ns); curl_check "$IMAP_PORT"; t1=$(now_ns); curl0+=("$(tenths "$t0" "$t1")")
done
grep -q '^ok' "$tmp/out-direct" && grep -q '^ok' "$tmp/imap-out-direct" || { echo "a check without the relay failed:" >&2; cat "$tmp/out-direct" "$tmp/imap-out-direct" >&2; exit 1; }
grep -q "STARTTLS works" "$tmp/out" || { echo "the failing setting did not name its alternative:" >&2; cat "$tmp/out" >&2; exit 1; }
m_ours=$(printf '%s\n' "${ours[@]}" | median); m_peer=$(printf '%s\n' "${peer[@]}" | median); m_alt=$(printf '%s\n' "${alt[@]}" | median)
m_imap=$(printf '%s\n' "${imap[@]}" | median); m_curl=$(printf '%s\n' "${curl_imap[@]}" | median)
z_ours=$(printf '%s\n' "${ours0[@]}" | median); z_peer=$(printf '%s\n' "${peer0[@]}" | median)
z_imap=$(printf '%s\n' "${imap0[@]}" | median); z_curl=$(printf '%s\n' "${curl0[@]}" | median)
echo "added round trip: $RTT ms (an echo through the relay: $relay_rtt ms); median of $RUNS runs (all runs: mailconf ${ours[*]}; swaks ${peer[*]}; alternative ${alt[*]}; mailconf IMAP ${imap[*]}; curl IMAP ${curl_imap[*]} ms)"
awk -v o="$m_ours" -v p="$m_peer" -v a="$m_alt" -v i="$m_imap" -v c="$m_curl" -v r="$RTT" \
    -v zo="$z_ours" -v zp="$z_peer" -v zi="$z_imap" -v zc="$z_curl" 'BEGIN {
    zo /= 10; zp /= 10; zi /= 10; zc /= 10
    printf "mailconf verify, SMTP STARTTLS + AUTH PLAIN + envelope: %d ms = %.2f round trips (target <= 8: %s)\n", o, o / r, (o / r <= 8 ? "met" : "NOT met")
    printf "swaks, the same:                                        %d ms = %.2f round trips (mailconf fewer: %s)\n", p, p / r, (o < p ? "met" : "NOT met")
    printf "a failing setting to its working alternative:           %d ms = %.2fx one check (target <= 1.3x: %s)\n", a, a / o, (a / o <= 1.3 ? "met" : "NOT met")
    printf "mailconf verify, IMAP STARTTLS + login:                 %d ms = %.2f round trips (target <= 5: %s)\n", i, i / r, (i / r <= 5 ? "met" : "NOT met")
    printf "curl, IMAP STARTTLS + login + NOOP:                     %d ms = %.2f round trips\n", c, c / r
    printf "without the relay (what is not round trips), and (wall time - that) / RTT:\n"
    printf "  mailconf SMTP %.1f ms, %.2f round trips; swaks %.1f ms, %.2f\n", zo, (o - zo) / r, zp, (p - zp) / r
    printf "  mailconf IMAP %.1f ms, %.2f round trips; curl %.1f ms, %.2f\n", zi, (i - zi) / r, zc, (c - zc) / r
}'
