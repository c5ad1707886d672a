#!/usr/bin/env bash
# 200 live checks (port x security x mechanism x good/bad password x certificate) against
# the local Postfix + Dovecot lab, 16 at a time, beside swaks checking the same 200.
# Target: at least 10x faster than swaks; a failing setting's working alternative in < 2 s.
source "$(dirname "$0")/common.sh"
need swaks swaks
COUNT=${COUNT:-200}
PARALLEL=${PARALLEL:-16}
build_release mailconf-bench
tmp=$(mktemp -d)
start_lab
base=(
    "$SUBMISSION_PORT starttls PLAIN good" "$SUBMISSION_PORT starttls LOGIN bad" "$SMTPS_PORT tls PLAIN good"
    "$SMTPS_PORT tls LOGIN good" "$CRAM_PORT none CRAM-MD5 good" "$CRAM_PORT none CRAM-MD5 bad" "$PLAIN_PORT none - good"
    "$SUBMISSION_PORT none - good" "$EXPIRED_PORT tls - good" "$WRONGNAME_PORT tls - good"
)
for i in $(seq 0 $((COUNT - 1))); do echo "${base[$((i % ${#base[@]}))]}"; done > "$tmp/combos"
# The same checks as swaks command lines.
while read -r port security mech pw; do
    args="-s localhost -p $port --silent 2 -t $USER -f $USER"
    case $security in
        starttls) args="$args -tls --tls-verify --tls-ca-path $CA_FILE" ;;
        tls) args="$args --tlsc --tls-verify --tls-ca-path $CA_FILE" ;;
    esac
    if [ "$mech" = "-" ]; then args="$args -t mailconf-probe@example.com --quit-after RCPT"; else
        [ "$pw" = good ] && p="$PW" || p=wrong
        args="$args -a $mech -au $USER -ap $p --quit-after AUTH"
    fi
    echo "$args"
done < "$tmp/combos" > "$tmp/swaks"

# Both tools on the same checks: swaks first, then mailconf.
compare() {  # $1 combos file, $2 swaks lines file, $3 label
    local t0 t1 peer out ours
    t0=$(now_ns)
    xargs -P "$PARALLEL" -L 1 swaks < "$2" >/dev/null 2>&1 || true
    t1=$(now_ns)
    peer=$(( (t1 - t0) / 1000000 ))
    out=$("$BIN/mailconf-bench" verify "$1" "$CA_FILE" "$USER" "$PASSWORD_FILE" "$PARALLEL" "$SMTPS_PORT,$SUBMISSION_PORT,$PLAIN_PORT")
    echo "$out"
    ours=$(echo "$out" | awk '/^checks:/ {print $(NF-1)}')
    echo "swaks, same $(wc -l < "$1") checks, $PARALLEL at a time: $((peer / 1000)).$(( (peer % 1000) / 10 )) s"
    awk -v p="$peer" -v o="$ours" -v l="$3" 'BEGIN { r = (p / 1000) / o; printf "ratio swaks/mailconf%s: %.1fx (target >= 10x: %s)\n", l, r, (r >= 10 ? "met" : "NOT met") }'
}
compare "$tmp/combos" "$tmp/swaks" ""
# Dovecot 2.3.19 (Debian 12) answers a failed login only on its next 500 ms timer tick, even
# with auth_failure_delay = 0; both tools wait for it. The same run without those checks
# shows what the clients themselves cost.
echo
echo "without the bad-password checks (the server's failed-login wait):"
paste -d '\t' "$tmp/combos" "$tmp/swaks" | awk -F '\t' '$1 !~ / bad$/' > "$tmp/pairs"
cut -f1 "$tmp/pairs" > "$tmp/combos-good"
cut -f2 "$tmp/pairs" > "$tmp/swaks-good"
compare "$tmp/combos-good" "$tmp/swaks-good" " (no failed logins)"
