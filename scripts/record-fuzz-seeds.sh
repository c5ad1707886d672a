#!/usr/bin/env bash
# Records seed inputs for the fuzz targets (fuzz/corpus/TARGET) from the lab's real
# servers: the bytes Postfix and Dovecot send in a few short sessions, DNS answers from
# the lab's dnsmasq (over TCP), the lab's certificates, and the test zones' records as
# the SPF target's DNS tables and the tag-list target's TXT strings.
#
#   scripts/test-servers.sh start && scripts/record-fuzz-seeds.sh
#
# Only what servers send is kept: the commands, and so the lab password, are not. Each
# seed starts with the byte(s) the target reads first (how the input is split, which
# protocol, which POP3 response forms). Plain bash: /dev/tcp, printf, head.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
# The lab's env file: its ports and users (scripts/lab.list), PASSWORD_FILE, CA_FILE.
read_lab_env "${MAILCONF_TEST_SERVERS:-}"
CORPUS="$ROOT/fuzz/corpus"
mkdir -p "$CORPUS"/{smtp-reply,imap-pop3,dns-message,spf,tag-lists,x509}
PASSWORD="$(cat "$PASSWORD_FILE")"

# session PORT PREFIX-BYTES OUT LINE...: sends each line (CRLF) a moment apart and keeps
# what the server sent, after the prefix bytes.
session() {
    local port="$1" prefix="$2" out="$3"; shift 3
    exec 3<>"/dev/tcp/127.0.0.1/$port"
    { printf "$prefix"; timeout 5 cat <&3; } > "$out" &
    local reader=$!
    sleep 0.5
    for line in "$@"; do printf '%s\r\n' "$line" >&3; sleep 0.4; done
    sleep 0.5
    exec 3>&-
    wait "$reader" 2>/dev/null || true
    echo "recorded $(wc -c < "$out") bytes: ${out#"$ROOT"/}"
}

# SMTP (the first byte: how the fuzzer splits the bytes; 0 = all at once).
session "$PLAIN_PORT" '\x00' "$CORPUS/smtp-reply/postfix-plain-session" \
    "EHLO fuzz.test" "MAIL FROM:<fuzz@example.test>" "RCPT TO:<bounce@example.test>" "RCPT TO:<nobody@elsewhere.test>" "RSET" "VRFY alice" "NOOP" "QUIT"
session "$SUBMISSION_PORT" '\x07' "$CORPUS/smtp-reply/postfix-submission-ehlo" "EHLO fuzz.test" "AUTH PLAIN" "MAIL FROM:<>" "QUIT"
session "$CRAM_PORT" '\x03' "$CORPUS/smtp-reply/postfix-cram-ehlo" "EHLO fuzz.test" "AUTH CRAM-MD5" "*" "QUIT"
session "$GSSAPI_PORT" '\x01' "$CORPUS/smtp-reply/postfix-gssapi-ehlo" "HELO fuzz.test" "EHLO fuzz.test" "QUIT"

# IMAP (first byte under 0x80) and POP3 (first byte 0x80 or over, then two bytes of
# response forms, two bits each from the low end: 0 one line, 1 multi-line, 2 SASL).
session "$IMAP_PORT" '\x00' "$CORPUS/imap-pop3/dovecot-imap-login-fails" \
    "a1 CAPABILITY" "a2 LOGIN alice@example.test wrong" "a3 AUTHENTICATE PLAIN" "*" "a4 NOOP" "a5 LOGOUT"
# One message is put in alice's INBOX (a LITERAL+ APPEND of 25 bytes, so that FETCH
# answers with a literal), read back over POP3, and deleted there.
session "$IMAP_PORT" '\x05' "$CORPUS/imap-pop3/dovecot-imap-session" \
    "a1 ID NIL" "a2 LOGIN \"$USER\" \"$PASSWORD\"" "a3 LIST \"\" \"*\"" "a4 APPEND INBOX {25+}" "Subject: fuzz" "" ".hello" "" \
    "a5 SELECT INBOX" "a6 FETCH 1 (FLAGS RFC822.SIZE BODY.PEEK[])" "a7 STATUS INBOX (MESSAGES UNSEEN)" "a8 LOGOUT"
# greeting, CAPA (multi), USER, PASS, LIST (multi), TOP (multi, a dot-stuffed line), DELE, QUIT
session "$POP3_PORT" '\x80\x04\x05' "$CORPUS/imap-pop3/dovecot-pop3-session" \
    "CAPA" "USER $USER" "PASS $PASSWORD" "LIST" "TOP 1 5" "DELE 1" "QUIT"
# greeting, CAPA (multi), AUTH PLAIN and * (SASL steps), USER, PASS
session "$POP3_PORT" '\x83\xa4\x00' "$CORPUS/imap-pop3/dovecot-pop3-refusals" "CAPA" "AUTH PLAIN" "*" "USER nobody" "PASS wrong"

# DNS answers over TCP: a query with a two-byte length, the answer without it.
query() {
    local name="$1" type="$2" out="$3" q=""
    local label
    IFS=. read -ra labels <<< "$name"
    for label in "${labels[@]}"; do q+="$(printf '\\x%02x' "${#label}")$label"; done
    q="\\x12\\x34\\x01\\x00\\x00\\x01\\x00\\x00\\x00\\x00\\x00\\x00${q}\\x00$(printf '\\x00\\x%02x' "$type")\\x00\\x01"
    local bytes; bytes="$(printf "$q" | wc -c)"
    exec 4<>"/dev/tcp/127.0.0.1/$DNS_PORT"
    { printf "$(printf '\\x%02x\\x%02x' $((bytes >> 8)) $((bytes & 255)))"; printf "$q"; } >&4
    timeout 3 cat <&4 | tail -c +3 > "$out" || true
    exec 4>&-
    echo "recorded $(wc -c < "$out") bytes: ${out#"$ROOT"/}"
}
query disco.test 15 "$CORPUS/dns-message/mx-disco.test"
query _submission._tcp.disco.test 33 "$CORPUS/dns-message/srv-submission"
query _imaps._tcp.disco.test 33 "$CORPUS/dns-message/srv-not-offered"
query disco.test 16 "$CORPUS/dns-message/txt-spf"
query s1.domainkey.u123.wl.sendgrid.net 16 "$CORPUS/dns-message/txt-dkim-two-strings"
query mail.mailconf.test 1 "$CORPUS/dns-message/a-record"
query s1._domainkey.good.test 5 "$CORPUS/dns-message/cname"
query nothing.disco.test 1 "$CORPUS/dns-message/nxdomain"
query ua-auto-config.complete.test 28 "$CORPUS/dns-message/aaaa-nodata"

# The test zones as the SPF target's tables (`name TYPE value`, the domain first) and
# their TXT strings as tag lists.
zones="$ROOT/scripts/dns-zones/deliverability.conf"
table="$(sed -nE \
    -e 's/^txt-record=([^,]+),(.*)$/\1 TXT \2/p' \
    -e 's/^mx-host=([^,]+),([^,]+)(,.*)?$/\1 MX 10 \2/p' \
    -e 's/^host-record=([^,]+),([^,]+)$/\1 A \2/p' "$zones" | sed -E 's/","//g; s/"//g')"
for domain in good.test missinginclude.test twospf.test toomany.test voidloop.test; do
    { grep "^$domain TXT v=spf1" <<< "$table"; grep -v "^$domain TXT v=spf1" <<< "$table"; } > "$CORPUS/spf/$domain"
    echo "wrote ${CORPUS#"$ROOT"/}/spf/$domain"
done
n=0
grep -E ' TXT v=(DMARC1|DKIM1|STSv1)' <<< "$table" | sed -E 's/^[^ ]+ TXT //' | while IFS= read -r txt; do
    n=$((n + 1)); printf '%s' "$txt" > "$CORPUS/tag-lists/zone-$n"
done
echo "wrote $(ls "$CORPUS/tag-lists" | grep -c zone-) tag lists"

# The lab's certificates, as a server presents them (DER) and as a CA file holds them.
for pem in "$(dirname "$CA_FILE")"/*.pem; do
    case "$pem" in *key*) continue ;; esac
    base="$(basename "$pem" .pem)"
    openssl x509 -in "$pem" -outform DER -out "$CORPUS/x509/$base.der" 2>/dev/null && echo "recorded ${CORPUS#"$ROOT"/}/x509/$base.der"
done
