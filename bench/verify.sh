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

t0=$(now_ns)
xargs -P "$PARALLEL" -L 1 swaks < "$tmp/swaks" >/dev/null 2>&1 || true
t1=$(now_ns)
peer=$(( (t1 - t0) / 1000000 ))
out=$("$BIN/mailconf-bench" verify "$tmp/combos" "$CA_FILE" "$USER" "$PASSWORD_FILE" "$PARALLEL" "$SMTPS_PORT,$SUBMISSION_PORT,$PLAIN_PORT")
echo "$out"
ours=$(echo "$out" | awk '/^checks:/ {print $(NF-1)}')
echo "swaks, same $COUNT checks, $PARALLEL at a time: $((peer / 1000)).$(( (peer % 1000) / 10 )) s"
awk -v p="$peer" -v o="$ours" 'BEGIN { r = (p / 1000) / o; printf "ratio swaks/mailconf: %.1fx (target >= 10x: %s)\n", r, (r >= 10 ? "met" : "NOT met") }'
