#!/usr/bin/env bash
# Starts (or stops) mailconf's own Postfix + Dovecot SASL instance for the SMTP
# integration tests: loopback ports only, its own configuration, queue, mailboxes and a
# CA with certificates made here. The system's own mail set-up is never touched.
#
#   scripts/test-servers.sh start   # prints the env file to export as MAILCONF_TEST_SERVERS
#   scripts/test-servers.sh stop
#
# Its ports, addresses and users are scripts/lab.list, the one list: read here, and
# written with the paths made here into the env file (servers.env) this prints. Beside
# Postfix and Dovecot: dnsmasq with the test zones, an MIT KDC for realm MAILCONF.TEST
# (its own krb5.conf, KRB5_CONFIG in the env file; the machine's /etc/krb5.conf is never
# read or written), pebble (Let's Encrypt's test ACME server), and two PostgreSQL
# clusters (POSTGRES_CTL and POSTGRES_OUTAGE_CTL stop and start each).
set -euo pipefail
SCRIPTS="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/lib.sh
source "$SCRIPTS/lib.sh"
ROOT="${MAILCONF_TEST_ROOT:-/tmp/mailconf-test-servers}"
BASE_PORT="${MAILCONF_TEST_BASE_PORT:-20025}"
ENV_FILE="$ROOT/servers.env"

stop() {
    if [ -f "$ROOT/postfix/etc/main.cf" ]; then postfix -c "$ROOT/postfix/etc" stop >/dev/null 2>&1 || true; fi
    if [ -f "$ROOT/dns/dnsmasq.pid" ]; then kill "$(cat "$ROOT/dns/dnsmasq.pid")" 2>/dev/null || true; fi
    if [ -f "$ROOT/krb5/kdc.pid" ]; then kill "$(cat "$ROOT/krb5/kdc.pid")" 2>/dev/null || true; fi
    if [ -f "$ROOT/pebble/pid" ]; then kill "$(cat "$ROOT/pebble/pid")" 2>/dev/null || true; fi
    for d in postgres postgres-outage; do
        if [ -f "$ROOT/$d/data/postmaster.pid" ] && [ -x "$ROOT/$d/ctl" ]; then "$ROOT/$d/ctl" stop >/dev/null 2>&1 || true; fi
    done
    for d in dovecot-plain dovecot-cram dovecot-krb; do
        if [ -f "$ROOT/$d/run/master.pid" ]; then kill "$(cat "$ROOT/$d/run/master.pid")" 2>/dev/null || true; fi
    done
    sleep 0.5
}

if [ "${1:-}" = "stop" ]; then stop; exit 0; fi
[ "${1:-}" = "start" ] || { echo "usage: $0 start|stop" >&2; exit 2; }
for tool in postfix dovecot openssl dnsmasq krb5kdc kdb5_util kadmin.local kinit ktutil pebble psql; do
    command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install -y postfix dovecot-core dovecot-imapd dovecot-pop3d dovecot-gssapi openssl dnsmasq-base krb5-kdc krb5-admin-server krb5-user pebble postgresql" >&2; exit 1; }
done
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] \
    || { echo "PostgreSQL's server is missing: apt-get install -y postgresql" >&2; exit 1; }
[ -f /usr/lib/dovecot/modules/auth/libmech_gssapi.so ] \
    || { echo "Dovecot's GSSAPI mechanism is missing: apt-get install -y dovecot-gssapi" >&2; exit 1; }
[ -x /usr/lib/dovecot/imap ] && [ -x /usr/lib/dovecot/pop3 ] \
    || { echo "Dovecot's IMAP and POP3 are missing: apt-get install -y dovecot-imapd dovecot-pop3d" >&2; exit 1; }

stop
rm -rf "$ROOT"
mkdir -p "$ROOT"/{pki,postfix/etc,postfix/queue,postfix/data,mail,dovecot-plain/run,dovecot-cram/run,dovecot-krb/run,dns,krb5,pebble}
# Every port, address and user of scripts/lab.list, as a shell variable.
read_lab_list "$BASE_PORT"
PASSWORD="test-only-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"

# --- a CA and three server certificates (valid, expired, wrong name) -------------------
cd "$ROOT/pki"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=mailconf test CA" 2>/dev/null
cat > ca.cnf <<CNF
[ca]
default_ca = test
[test]
dir = $ROOT/pki
database = \$dir/index.txt
serial = \$dir/serial
new_certs_dir = \$dir
certificate = \$dir/ca.pem
private_key = \$dir/ca.key
default_md = sha256
policy = anything
copy_extensions = copy
[anything]
commonName = supplied
CNF
: > index.txt; echo 01 > serial
issue() { # name san [startdate enddate]
    openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$1" -addext "subjectAltName=$2" 2>/dev/null
    if [ $# -gt 2 ]; then
        openssl ca -batch -config ca.cnf -in "$1.csr" -out "$1.pem" -startdate "$3" -enddate "$4" -notext 2>/dev/null
    else
        openssl ca -batch -config ca.cnf -in "$1.csr" -out "$1.pem" -days 2 -notext 2>/dev/null
    fi
}
issue valid "DNS:localhost,DNS:mail.mailconf.test,IP:127.0.0.1"
issue expired "DNS:localhost,IP:127.0.0.1" 20200101000000Z 20200201000000Z
issue wrongname "DNS:wrong.example"
chmod 644 ./*.key

# --- Kerberos: a KDC for $KRB5_REALM on loopback, its database under $ROOT/krb5 -------
K="$ROOT/krb5"
cat > "$K/krb5.conf" <<CONF
[libdefaults]
    default_realm = $KRB5_REALM
    default_ccache_name = FILE:$K/ccache
    default_keytab_name = FILE:$K/default.keytab
    dns_lookup_kdc = false
    dns_lookup_realm = false
    dns_canonicalize_hostname = false
    rdns = false
[realms]
    $KRB5_REALM = {
        kdc = 127.0.0.1:$KDC_PORT
    }
    NOWHERE.TEST = {
        kdc = 127.0.0.1:$NO_KDC_PORT
    }
    SILENT.TEST = {
        kdc = 127.0.0.1:$SILENT_KDC_PORT
    }
[domain_realm]
    localhost = $KRB5_REALM
    .mailconf.test = $KRB5_REALM
    .nowhere.test = NOWHERE.TEST
CONF
cat > "$K/kdc.conf" <<CONF
[kdcdefaults]
    kdc_listen = 127.0.0.1:$KDC_PORT
    kdc_tcp_listen = 127.0.0.1:$KDC_PORT
[realms]
    $KRB5_REALM = {
        database_name = $K/principal
        key_stash_file = $K/stash
        acl_file = $K/kadm5.acl
        max_life = 10h
        max_renewable_life = 0
    }
[logging]
    kdc = FILE:$K/kdc.log
CONF
: > "$K/kadm5.acl"
export KRB5_CONFIG="$K/krb5.conf" KRB5_KDC_PROFILE="$K/kdc.conf"
kdb5_util create -s -r "$KRB5_REALM" -P "master-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')" </dev/null >/dev/null \
    || { echo "kdb5_util could not create the test realm's database in $K" >&2; exit 1; }
kadm() { local out; out=$(kadmin.local -r "$KRB5_REALM" -q "$1" </dev/null 2>&1) || { echo "kadmin.local failed: $1: $out" >&2; exit 1; }; }
kadm "addprinc -randkey alice"
kadm "ktadd -k $K/alice.keytab alice"
# The mail servers' keytab: SMTP's, IMAP's and POP3's service principals (RFC 4752 names).
for service in smtp imap pop; do
    kadm "addprinc -randkey $service/localhost"
    kadm "ktadd -k $K/smtp.keytab $service/localhost"
done
kadm "addprinc -randkey smtp/mail.mailconf.test"
# A key for a principal of NOWHERE.TEST, whose KDC is never there.
# Keys for principals no reachable KDC knows: bob of NOWHERE.TEST and of SILENT.TEST,
# and carol, whom the lab's own KDC has never heard of.
keytab_for() { # principal file
    printf 'addent -password -p %s -k 1 -e aes256-cts-hmac-sha1-96\n%s\nwkt %s\nquit\n' \
        "$1" "stray-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')" "$2" | ktutil >/dev/null 2>&1
    [ -s "$2" ] || { echo "ktutil could not write $2" >&2; exit 1; }
}
keytab_for bob@NOWHERE.TEST "$K/bob-nowhere.keytab"
keytab_for bob@SILENT.TEST "$K/bob-silent.keytab"
keytab_for "carol@$KRB5_REALM" "$K/carol-unknown.keytab"
# Dovecot's auth process reads the service keytab as the dovecot user.
chmod 644 "$K/smtp.keytab"
krb5kdc -P "$K/kdc.pid" </dev/null >/dev/null 2>&1 || { echo "krb5kdc did not start; see $K/kdc.log" >&2; exit 1; }

# --- Dovecot: three SASL-only instances (PLAIN/LOGIN, CRAM-MD5 alone, GSSAPI alone) ----
# A second user whose password is not ASCII: IMAP's LOGIN sends it as a literal.
UTF8_PASSWORD="pässwörd-€-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s:{PLAIN}%s\n%s:{PLAIN}%s\n' "$USER" "$PASSWORD" "$UTF8_USER" "$UTF8_PASSWORD" > "$ROOT/users"
chmod 644 "$ROOT/users"
for inst in plain cram krb; do
    mail="protocols = none
ssl = no"
    passdb="driver = passwd-file
  args = scheme=PLAIN $ROOT/users"
    case $inst in
    plain)
        auth="auth_mechanisms = plain login"
        # The first instance also serves IMAP and POP3 over the lab mailbox.
        mail="protocols = imap pop3
ssl = yes
ssl_cert = <$ROOT/pki/valid.pem
ssl_key = <$ROOT/pki/valid.key
mail_location = maildir:$ROOT/mail/%d/%n
service imap-login {
  # Login processes started ahead and kept for many connections, as busy sites run them
  # (Dovecot's "high-performance" mode; its default forks one per connection and sets up
  # TLS afresh in each): a check's time is then its round trips, not the server's fork.
  process_min_avail = 2
  service_count = 0
  inet_listener imap {
    address = 127.0.0.1 $EXPIRED_ADDRESS $WRONGNAME_ADDRESS
    port = $IMAP_PORT
  }
  inet_listener imap-remote {
    address = $REMOTE_ADDRESS
    port = $IMAP_REMOTE_PORT
  }
  inet_listener imaps {
    address = 127.0.0.1 $EXPIRED_ADDRESS $WRONGNAME_ADDRESS
    port = $IMAPS_PORT
    ssl = yes
  }
}
service imap {
  process_min_avail = 2
}
service pop3 {
  process_min_avail = 2
}
service pop3-login {
  process_min_avail = 2
  service_count = 0
  inet_listener pop3 {
    address = 127.0.0.1 $EXPIRED_ADDRESS $WRONGNAME_ADDRESS
    port = $POP3_PORT
  }
  inet_listener pop3-remote {
    address = $REMOTE_ADDRESS
    port = $POP3_REMOTE_PORT
  }
  inet_listener pop3s {
    address = 127.0.0.1 $EXPIRED_ADDRESS $WRONGNAME_ADDRESS
    port = $POP3S_PORT
    ssl = yes
  }
}
local $EXPIRED_ADDRESS {
  ssl_cert = <$ROOT/pki/expired.pem
  ssl_key = <$ROOT/pki/expired.key
}
local $WRONGNAME_ADDRESS {
  ssl_cert = <$ROOT/pki/wrongname.pem
  ssl_key = <$ROOT/pki/wrongname.key
}" ;;
    cram)
        auth="auth_mechanisms = cram-md5"
        # IMAP and POP3 too, where CRAM-MD5 is the only way in.
        mail="protocols = imap pop3
ssl = no
mail_location = maildir:$ROOT/mail/%d/%n
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $IMAP_CRAM_PORT
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = $POP3_CRAM_PORT
  }
  inet_listener pop3s {
    port = 0
  }
}" ;;
    krb)
        # Tickets for smtp/, imap/ and pop/localhost, read with the service keytab. A
        # Kerberos login is the user part of the principal (alice@MAILCONF.TEST → alice);
        # no password. IMAP and POP3 here know no other way in.
        mail="protocols = imap pop3
ssl = no
mail_location = maildir:$ROOT/mail/kerberos/%n
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $IMAP_GSSAPI_PORT
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = $POP3_GSSAPI_PORT
  }
  inet_listener pop3s {
    port = 0
  }
}"
        auth="auth_mechanisms = gssapi
import_environment = KRB5_CONFIG=$K/krb5.conf
auth_krb5_keytab = $K/smtp.keytab
auth_gssapi_hostname = \"\$ALL\"
auth_realms = $KRB5_REALM
auth_default_realm = $KRB5_REALM
auth_username_format = %n"
        passdb="driver = static
  args = nopassword=y" ;;
    esac
    cat > "$ROOT/dovecot-$inst/dovecot.conf" <<CONF
base_dir = $ROOT/dovecot-$inst/run
state_dir = $ROOT/dovecot-$inst/run
log_path = $ROOT/dovecot-$inst/dovecot.log
$mail
$auth
auth_failure_delay = 0
default_internal_user = dovecot
default_login_user = dovenull
passdb {
  $passdb
}
userdb {
  driver = static
  args = uid=65534 gid=65534 home=$ROOT/mail/%d/%n
}
service auth {
  unix_listener auth-client {
    mode = 0666
  }
}
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
CONF
    dovecot -c "$ROOT/dovecot-$inst/dovecot.conf" </dev/null >/dev/null 2>&1 \
        || { echo "dovecot ($inst) did not start; see $ROOT/dovecot-$inst/dovecot.log" >&2; exit 1; }
done

# --- Postfix ---------------------------------------------------------------------------
P="$ROOT/postfix"
cat > "$P/etc/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $P/queue
data_directory = $P/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = mail.mailconf.test
mydomain = mailconf.test
myorigin = \$myhostname
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mydestination =
local_transport = error:local delivery is disabled
alias_maps =
alias_database =
mynetworks = 127.0.0.0/8
# Checks open and abandon many transactions (MAIL, RCPT, RSET) and deliver few: without
# this, Postfix's flow control pauses each new one for a second (in_flow_delay).
in_flow_delay = 0
virtual_mailbox_domains = example.test
virtual_mailbox_base = $ROOT/mail
virtual_mailbox_maps = texthash:$P/etc/vmailbox
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination
smtpd_tls_cert_file = $ROOT/pki/valid.pem
smtpd_tls_key_file = $ROOT/pki/valid.key
smtpd_tls_security_level = may
smtpd_sasl_type = dovecot
smtpd_sasl_path = $ROOT/dovecot-plain/run/auth-client
maillog_file = $P/maillog
maillog_file_prefixes = $ROOT
smtputf8_enable = no
CONF
echo "$USER example.test/alice/" > "$P/etc/vmailbox"
# A recipient the plain port always defers (450), for the retry tests.
printf '%s\n' "defer@example.test 450 4.2.0 try again later (test)" \
    "bounce@example.test 550 5.1.1 no such user (test)" > "$P/etc/recipient_access"
sasl="-o smtpd_sasl_auth_enable=yes -o smtpd_client_restrictions=permit_sasl_authenticated,reject"
cat > "$P/etc/master.cf" <<CONF
127.0.0.1:$PLAIN_PORT inet n - n - - smtpd -o smtpd_tls_security_level=none -o smtpd_recipient_restrictions=check_recipient_access,texthash:$P/etc/recipient_access
127.0.0.1:$SUBMISSION_PORT inet n - n - - smtpd -o smtpd_tls_security_level=encrypt -o smtpd_tls_auth_only=yes $sasl
127.0.0.1:$SMTPS_PORT inet n - n - - smtpd -o smtpd_tls_wrappermode=yes $sasl
127.0.0.1:$CRAM_PORT inet n - n - - smtpd -o smtpd_tls_security_level=none -o smtpd_sasl_path=$ROOT/dovecot-cram/run/auth-client $sasl
127.0.0.1:$GSSAPI_PORT inet n - n - - smtpd -o smtpd_tls_security_level=none -o smtpd_sasl_path=$ROOT/dovecot-krb/run/auth-client $sasl
127.0.0.1:$GSSAPI_TLS_PORT inet n - n - - smtpd -o smtpd_tls_security_level=encrypt -o smtpd_tls_auth_only=yes -o smtpd_sasl_path=$ROOT/dovecot-krb/run/auth-client $sasl
127.0.0.1:$EXPIRED_PORT inet n - n - - smtpd -o smtpd_tls_wrappermode=yes -o smtpd_tls_cert_file=$ROOT/pki/expired.pem -o smtpd_tls_key_file=$ROOT/pki/expired.key
127.0.0.1:$WRONGNAME_PORT inet n - n - - smtpd -o smtpd_tls_wrappermode=yes -o smtpd_tls_cert_file=$ROOT/pki/wrongname.pem -o smtpd_tls_key_file=$ROOT/pki/wrongname.key
pickup unix n - n 60 1 pickup
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
tlsmgr unix - - n 1000? 1 tlsmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000? 0 flush
proxymap unix - - n - - proxymap
proxywrite unix - - n - 1 proxymap
smtp unix - - n - - smtp
relay unix - - n - - smtp
showq unix n - n - - showq
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
virtual unix - n n - - virtual
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
CONF
chown 65534:65534 "$ROOT/mail"
chown postfix "$P/data"
postfix -c "$P/etc" check </dev/null >/dev/null 2>&1 || postfix -c "$P/etc" check </dev/null >&2
postfix -c "$P/etc" start </dev/null >/dev/null 2>&1 || { echo "postfix did not start; see $P/maillog" >&2; exit 1; }

# --- DNS: dnsmasq answering only from this file, on loopback --------------------------
cat > "$ROOT/dns/dnsmasq.conf" <<CONF
port=$DNS_PORT
listen-address=127.0.0.1
bind-interfaces
no-resolv
no-hosts
no-poll
local=/test/
pid-file=$ROOT/dns/dnsmasq.pid
log-facility=$ROOT/dns/log
log-queries
host-record=mail.mailconf.test,127.0.0.1
host-record=autoconfig.disco.test,127.0.0.1
mx-host=disco.test,mail.mailconf.test,10
srv-host=_submissions._tcp.disco.test,mail.mailconf.test,$SMTPS_PORT,0,10
srv-host=_submission._tcp.disco.test,mail.mailconf.test,$SUBMISSION_PORT,5,10
srv-host=_imaps._tcp.disco.test
srv-host=_imaps._tcp.imap.disco.test,mail.mailconf.test,$IMAPS_PORT,0,1
srv-host=_imap._tcp.imap.disco.test,mail.mailconf.test,$IMAP_PORT,0,1
srv-host=_pop3s._tcp.imap.disco.test,mail.mailconf.test,$POP3S_PORT,0,1
srv-host=_pop3._tcp.imap.disco.test,mail.mailconf.test,$POP3_PORT,0,1
srv-host=_submission._tcp.imap.disco.test,mail.mailconf.test,$SUBMISSION_PORT,0,1
txt-record=disco.test,"v=spf1 ip4:127.0.0.1 -all"
mx-host=mxonly.test,aspmx.l.google.com,10
# An MX host under a public suffix of two labels (co.uk), for MXBASEDOMAIN.
mx-host=psl.test,mx.hosted.example.co.uk,10
# An MX host under a provider's clientConfig 1.2 MX domain (AOL's mail.gm0.yahoodns.net).
mx-host=mxdomain.test,mx-aol.mail.gm0.yahoodns.net,10
# The deliverability test zones (good.test, twospf.test, …) and their relay stand-ins.
conf-file=$SCRIPTS/dns-zones/deliverability.conf
# The domains check test zones (complete.test, nomx.test, …).
conf-file=$SCRIPTS/dns-zones/domains-check.conf
# The ACME tests' names: every name under acme.test is this machine.
address=/acme.test/127.0.0.1
CONF
dnsmasq --conf-file="$ROOT/dns/dnsmasq.conf" --user="$(id -un)" --group="$(id -gn)" \
    || { echo "dnsmasq did not start; see $ROOT/dns/log" >&2; exit 1; }

# --- ACME: pebble, checking challenges for real against serve, names from dnsmasq ------
cat > "$ROOT/pebble/config.json" <<CONF
{"pebble": {"listenAddress": "127.0.0.1:$PEBBLE_PORT", "managementListenAddress": "127.0.0.1:$PEBBLE_MANAGEMENT_PORT",
  "certificate": "$ROOT/pki/valid.pem", "privateKey": "$ROOT/pki/valid.key",
  "httpPort": $PEBBLE_HTTP_PORT, "tlsPort": $PEBBLE_TLS_PORT, "ocspResponderURL": "",
  "externalAccountBindingRequired": false}}
CONF
# Challenges are really checked (VA_ALWAYS_VALID=0), at once (NOSLEEP), and every order
# checks them again (no reuse of an earlier valid authorization). Pebble still refuses
# 5 % of nonces, as it does by default, so the client's badNonce retry is exercised.
PEBBLE_VA_ALWAYS_VALID=0 PEBBLE_VA_NOSLEEP=1 PEBBLE_AUTHZREUSE=0 \
    setsid pebble -config "$ROOT/pebble/config.json" -dnsserver "127.0.0.1:$DNS_PORT" \
    >"$ROOT/pebble/log" 2>&1 </dev/null &
echo $! > "$ROOT/pebble/pid"

# --- PostgreSQL: clusters of the lab's own, on loopback -------------------------------
# PostgreSQL refuses to run as root: as root, the clusters belong to the postgres user
# (made by Debian's package) and every server command runs as that user. Two clusters:
# "postgres" for the catalog tests, and "postgres-outage", which a test stops for a while
# without disturbing the others.
PG_PASSWORD="$(openssl rand -hex 18)"
printf '%s' "$PG_PASSWORD" > "$ROOT/postgres-password"
chmod 600 "$ROOT/postgres-password"
AS_PG=""
[ "$(id -u)" -ne 0 ] || AS_PG="runuser -u postgres --"
make_cluster() { # NAME PORT
    local d="$ROOT/$1"
    mkdir -p "$d/run"
    [ -z "$AS_PG" ] || chown -R postgres:postgres "$d"
    cat > "$d/ctl" <<CTL
#!/bin/sh
# Stops or starts this lab PostgreSQL cluster.
case "\$1" in
  stop) exec $AS_PG "$PG_BIN/pg_ctl" -D "$d/data" -m fast -w -t 20 stop ;;
  start) exec $AS_PG "$PG_BIN/pg_ctl" -D "$d/data" -l "$d/log" -w -t 30 start ;;
  *) echo "usage: \$0 stop|start" >&2; exit 2 ;;
esac
CTL
    chmod 755 "$d/ctl"
    $AS_PG "$PG_BIN/initdb" -D "$d/data" -U postgres -E UTF8 --locale=C --auth-local=trust --auth-host=scram-sha-256 \
        >"$d/initdb.log" 2>&1 || { echo "initdb failed; see $d/initdb.log" >&2; exit 1; }
    cp "$ROOT/pki/valid.pem" "$d/data/server.crt"
    cp "$ROOT/pki/valid.key" "$d/data/server.key"
    chmod 600 "$d/data/server.key"
    [ -z "$AS_PG" ] || chown postgres:postgres "$d/data/server.crt" "$d/data/server.key"
    cat >> "$d/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $2
unix_socket_directories = '$d/run'
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
max_connections = 200
# A test cluster: nothing to keep through a crash.
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
    "$d/ctl" start >/dev/null || { echo "PostgreSQL ($1) did not start; see $d/log" >&2; exit 1; }
    $AS_PG psql -q -v ON_ERROR_STOP=1 -h "$d/run" -p "$2" -U postgres -d postgres \
        -c "CREATE ROLE mailconf LOGIN CREATEDB PASSWORD '$PG_PASSWORD'" -c "CREATE DATABASE mailconf OWNER mailconf" \
        -c "CREATE ROLE mailconf_reader LOGIN PASSWORD '$PG_PASSWORD'" \
        >>"$d/log" 2>&1 || { echo "cannot make the mailconf role and database ($1); see $d/log" >&2; exit 1; }
}
make_cluster postgres "$POSTGRES_PORT"
make_cluster postgres-outage "$POSTGRES_OUTAGE_PORT"

# Wait until every listener answers (TCP; the KDC and dnsmasq take TCP too), at most
# 10 s each; one that never does stops the start, naming the port and the log to read.
wait_for() { # PORT WHAT LOG [ADDRESS]
    local address=${4:-127.0.0.1}
    wait_for_port "$1" "$address" 100 && return 0
    echo "$2 on $address:$1 did not answer within 10 s; see $3" >&2
    exit 1
}
for port in $PLAIN_PORT $SUBMISSION_PORT $SMTPS_PORT $CRAM_PORT $GSSAPI_PORT $GSSAPI_TLS_PORT $EXPIRED_PORT $WRONGNAME_PORT; do
    wait_for "$port" "postfix" "$P/maillog"
done
for port in $IMAP_PORT $IMAPS_PORT $POP3_PORT $POP3S_PORT; do
    wait_for "$port" "dovecot (IMAP/POP3)" "$ROOT/dovecot-plain/dovecot.log"
done
for port in $IMAP_REMOTE_PORT $POP3_REMOTE_PORT; do
    wait_for "$port" "dovecot (IMAP/POP3 on $REMOTE_ADDRESS)" "$ROOT/dovecot-plain/dovecot.log" "$REMOTE_ADDRESS"
done
for address in $EXPIRED_ADDRESS $WRONGNAME_ADDRESS; do
    for port in $IMAP_PORT $IMAPS_PORT $POP3_PORT $POP3S_PORT; do
        wait_for "$port" "dovecot (IMAP/POP3 on $address)" "$ROOT/dovecot-plain/dovecot.log" "$address"
    done
done
for port in $IMAP_GSSAPI_PORT $POP3_GSSAPI_PORT; do
    wait_for "$port" "dovecot (IMAP/POP3 with GSSAPI)" "$ROOT/dovecot-krb/dovecot.log"
done
for port in $IMAP_CRAM_PORT $POP3_CRAM_PORT; do
    wait_for "$port" "dovecot (IMAP/POP3 with CRAM-MD5)" "$ROOT/dovecot-cram/dovecot.log"
done
wait_for "$KDC_PORT" "the Kerberos KDC" "$K/kdc.log"
wait_for "$DNS_PORT" "dnsmasq" "$ROOT/dns/log"
wait_for "$POSTGRES_PORT" "PostgreSQL" "$ROOT/postgres/log"
wait_for "$POSTGRES_OUTAGE_PORT" "PostgreSQL (outage)" "$ROOT/postgres-outage/log"
wait_for "$PEBBLE_PORT" "pebble" "$ROOT/pebble/log"
wait_for "$PEBBLE_MANAGEMENT_PORT" "pebble (management)" "$ROOT/pebble/log"
# Pebble makes a new issuing root at each start: the tests trust the one it has now.
for _ in $(seq 50); do
    curl -sf --cacert "$ROOT/pki/ca.pem" "https://127.0.0.1:$PEBBLE_MANAGEMENT_PORT/roots/0" -o "$ROOT/pebble/root.pem" && break
    sleep 0.1
done
[ -s "$ROOT/pebble/root.pem" ] || { echo "pebble gave no root at its management port; see $ROOT/pebble/log" >&2; exit 1; }

# The env file: every name of scripts/lab.list, then what was made here.
{
    for name in "${LAB_NAMES[@]}"; do printf '%s=%s\n' "$name" "${!name}"; done
    cat <<ENV
KRB5_CONFIG=$K/krb5.conf
KRB5_DIR=$K
CA_FILE=$ROOT/pki/ca.pem
DNS_LOG=$ROOT/dns/log
PEBBLE_DIRECTORY=https://127.0.0.1:$PEBBLE_PORT/dir
PEBBLE_ROOT=$ROOT/pebble/root.pem
PASSWORD_FILE=$ROOT/password
UTF8_PASSWORD_FILE=$ROOT/utf8-password
MAILDIR=$ROOT/mail/example.test/alice
POSTGRES_URL=postgres://mailconf@127.0.0.1:$POSTGRES_PORT/mailconf
POSTGRES_PASSWORD_FILE=$ROOT/postgres-password
POSTGRES_CTL=$ROOT/postgres/ctl
POSTGRES_OUTAGE_URL=postgres://mailconf@127.0.0.1:$POSTGRES_OUTAGE_PORT/mailconf
POSTGRES_OUTAGE_CTL=$ROOT/postgres-outage/ctl
ENV
} > "$ENV_FILE"
printf '%s' "$PASSWORD" > "$ROOT/password"
chmod 600 "$ROOT/password"
printf '%s' "$UTF8_PASSWORD" > "$ROOT/utf8-password"
chmod 600 "$ROOT/utf8-password"
echo "$ENV_FILE"
