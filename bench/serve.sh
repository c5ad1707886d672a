#!/usr/bin/env bash
# `mailconf serve` under load: wrk asks for the Thunderbird autoconfig of
# alice@example.org (GET /mail/config-v1.1.xml?emailaddress=…), one server after
# another in one run, against
#   - mailconf serve, with example.org added as a Fastmail domain to a temporary catalog;
#   - automx2 (the Python peer, from PyPI into a cached virtual environment), served by
#     gunicorn with 2 (sync) workers, seeded through its /initdb/ JSON endpoint with the
#     same domain and Fastmail's servers (IMAP 993 SSL, SMTP 465 SSL and 587 STARTTLS);
#   - nginx serving, as a static file at the same path, the exact bytes mailconf served.
# Each gets a short warm-up, then `wrk -t2 -c64 -dDURATION --latency`: requests per
# second, p50 and p99 latency, errors (socket errors + non-2xx/3xx answers). mailconf and
# nginx run twice side by side, like with like: with their access logs on (mailconf's
# default, one line a request to a file; nginx's to a file with buffer=64k) and off
# (mailconf --no-access-log; nginx access_log off); RUNS rounds of the four, for the
# median and the spread of each ratio. Then mailconf (log on) alone: LONG seconds at
# 256 connections (errors), and its resident memory after that run (VmRSS; VmHWM is the
# peak). automx2 is measured once.
# Targets (issue 17): at least 0.8x nginx's requests per second with the logs on, p99
# under 5 ms at 64 connections, memory under 64 MiB after the run, zero errors in a
# 60-second run at 256 connections; and at least 10x automx2's requests per second.
#
# All on 127.0.0.1. The machine has 2 cores: wrk (2 threads) and the server under test
# share them, so every figure is a loaded-machine figure, and the ratios are the
# meaningful part. gunicorn writes no access log by default; nginx runs with
# keepalive_requests raised. gunicorn's sync workers close the connection after each
# answer (no keep-alive), as automx2 runs when deployed that way.
#
# Env: DURATION (10, s per 64-connection run), RUNS (3), LONG (60, s at 256 connections),
# WARMUP (3, s), CONNECTIONS (64), LONG_CONNECTIONS (256), MAILCONF_PORT (18180; the
# log-less one on +3), AUTOMX2_PORT (18181), NGINX_PORT (18182; the logging one on +4),
# AUTOMX2_VENV (default under ${XDG_CACHE_HOME:-~/.cache}/mailconf-bench),
# AUTOMX2_VERSION (pin, default latest), MAILCONF_BIN (an existing mailconf binary
# instead of the release build).
# Missing Debian packages (wrk, nginx, curl, python3-venv) are installed with apt-get,
# with no system service started.
source "$(dirname "$0")/common.sh"
DURATION=${DURATION:-10}
RUNS=${RUNS:-3}
LONG=${LONG:-60}
WARMUP=${WARMUP:-3}
CONNECTIONS=${CONNECTIONS:-64}
LONG_CONNECTIONS=${LONG_CONNECTIONS:-256}
MAILCONF_PORT=${MAILCONF_PORT:-18180}
AUTOMX2_PORT=${AUTOMX2_PORT:-18181}
NGINX_PORT=${NGINX_PORT:-18182}
MAILCONF_QUIET_PORT=$((MAILCONF_PORT + 3))
NGINX_LOG_PORT=$((NGINX_PORT + 4))
AUTOMX2_VENV=${AUTOMX2_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/mailconf-bench/automx2-venv}
ADDRESS=alice@example.org
URL_PATH="/mail/config-v1.1.xml?emailaddress=$ADDRESS"

# --- tools -------------------------------------------------------------------------
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v curl >/dev/null || missing+=(curl)
command -v python3 >/dev/null || missing+=(python3)
# Debian's python3 has venv only with python3-venv (ensurepip is the part missing).
if ! command -v python3 >/dev/null || ! python3 -c 'import venv, ensurepip' 2>/dev/null; then missing+=(python3-venv); fi
install_packages "${missing[@]}"
PATH="$PATH:/usr/sbin"
need wrk wrk
need nginx nginx
need curl curl
need python3 python3-venv

# automx2 and gunicorn in a virtual environment kept between runs.
if ! "$AUTOMX2_VENV/bin/python" -c '
import sys, importlib.metadata as m
m.version("gunicorn")
sys.exit(sys.argv[1] not in ("", m.version("automx2")))' "${AUTOMX2_VERSION:-}" 2>/dev/null; then
    echo "installing automx2 and gunicorn from PyPI into $AUTOMX2_VENV…" >&2
    [ ! -f "$AUTOMX2_VENV/pyvenv.cfg" ] || rm -rf "$AUTOMX2_VENV"
    mkdir -p "$(dirname "$AUTOMX2_VENV")"
    python3 -m venv "$AUTOMX2_VENV"
    "$AUTOMX2_VENV/bin/pip" install -q --disable-pip-version-check \
        "automx2${AUTOMX2_VERSION:+==$AUTOMX2_VERSION}" gunicorn >&2
fi

mailconf_binary

# --- processes (common.sh's clean_up stops them) -------------------------------------
tmp=$(mktemp -d)

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$MAILCONF_PORT" "$AUTOMX2_PORT" "$NGINX_PORT" "$MAILCONF_QUIET_PORT" "$NGINX_LOG_PORT"; do
    port_free "$p" || { echo "port $p on 127.0.0.1 is in use: set MAILCONF_PORT, AUTOMX2_PORT or NGINX_PORT" >&2; exit 1; }
done
# Waits until URL answers 200 (or $2 seconds pass); $3 is the log to show on failure.
wait_http() {
    wait_for_http "$1" $(($2 * 10)) && return 0
    echo "no answer from $1 after $2 s; its log:" >&2
    tail -n 30 "$3" >&2
    exit 1
}
# Fails unless the answer at URL $1 is 200, application/xml, a clientConfig with Fastmail's IMAP host.
check_answer() {  # $1 name, $2 URL, $3 body file
    local ctype
    ctype=$(curl -fsS -o "$3" -w '%{content_type}' "$2") || { echo "$1: GET $2 failed" >&2; exit 1; }
    if ! grep -q '<clientConfig' "$3" || ! grep -q 'imap.fastmail.com' "$3"; then
        echo "$1: the answer is not a clientConfig naming imap.fastmail.com:" >&2; head -c 2000 "$3" >&2; exit 1
    fi
    case $ctype in
        application/xml*|text/xml*) ;;
        *) echo "$1: Content-Type is '$ctype', not XML" >&2; exit 1 ;;
    esac
}

# --- mailconf ------------------------------------------------------------------------
"$mailconf" domains add example.org --provider fastmail --db "$tmp/catalog.sqlite" >"$tmp/domains-add.log" 2>&1 \
    || { cat "$tmp/domains-add.log" >&2; exit 1; }
# Starts mailconf serve on port $1 with the options after it; sets SERVE_PID.
start_mailconf() {
    local port=$1 name=mailconf-$1 i
    shift
    "$mailconf" serve --host 127.0.0.1 --port "$port" --db "$tmp/catalog.sqlite" "$@" >"$tmp/$name.out" 2>"$tmp/$name.log" &
    SERVE_PID=$!
    pids+=("$SERVE_PID")
    for ((i = 0; i < 300; i++)); do
        grep -q '^mailconf serve: listening on ' "$tmp/$name.out" && break
        kill -0 "$SERVE_PID" 2>/dev/null || { echo "mailconf serve exited:" >&2; cat "$tmp/$name.out" "$tmp/$name.log" >&2; exit 1; }
        sleep 0.1
    done
    grep -q '^mailconf serve: listening on ' "$tmp/$name.out" \
        || { echo "mailconf serve did not say it was listening within 30 s:" >&2; cat "$tmp/$name.out" "$tmp/$name.log" >&2; exit 1; }
    wait_http "http://127.0.0.1:$port$URL_PATH" 10 "$tmp/$name.log"
}
# The default: one access-log line a request, to standard error, here a file.
start_mailconf "$MAILCONF_PORT"
mailconf_pid=$SERVE_PID
start_mailconf "$MAILCONF_QUIET_PORT" --no-access-log
MAILCONF_URL="http://127.0.0.1:$MAILCONF_PORT$URL_PATH"
MAILCONF_QUIET_URL="http://127.0.0.1:$MAILCONF_QUIET_PORT$URL_PATH"
check_answer mailconf "$MAILCONF_URL" "$tmp/mailconf.xml"
grep -q "autoconfig example.org 200" "$tmp/mailconf-$MAILCONF_PORT.log" || sleep 0.2
grep -q "autoconfig example.org 200" "$tmp/mailconf-$MAILCONF_PORT.log" \
    || { echo "mailconf wrote no access-log line:" >&2; cat "$tmp/mailconf-$MAILCONF_PORT.log" >&2; exit 1; }

# --- automx2 under gunicorn ----------------------------------------------------------
cat >"$tmp/automx2.conf" <<EOF
[automx2]
loglevel = WARNING
db_echo = no
db_uri = sqlite:///$tmp/automx2.sqlite
proxy_count = 0
EOF
# automx2's seed format (version 2, its docs/dbconfig.adoc and automx2/database.py):
# ports 465/993/995 get socket type SSL, others STARTTLS; user name %EMAILADDRESS%.
cat >"$tmp/automx2-seed.json" <<'EOF'
{
  "version": 2,
  "provider": "Fastmail",
  "domains": [{"name": "example.org"}],
  "servers": [
    {"type": "imap", "name": "imap.fastmail.com", "port": 993},
    {"type": "smtp", "name": "smtp.fastmail.com", "port": 465, "prio": 10},
    {"type": "smtp", "name": "smtp.fastmail.com", "port": 587, "prio": 20}
  ]
}
EOF
# Recent gunicorn opens a control socket under ~/.gunicorn unless told not to.
gunicorn_args=(--workers 2 --bind "127.0.0.1:$AUTOMX2_PORT")
if "$AUTOMX2_VENV/bin/gunicorn" --help 2>/dev/null | grep -q -- --no-control-socket; then gunicorn_args+=(--no-control-socket); fi
(cd "$tmp" && AUTOMX2_CONF="$tmp/automx2.conf" exec "$AUTOMX2_VENV/bin/gunicorn" "${gunicorn_args[@]}" automx2.server:app) \
    >"$tmp/automx2.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$AUTOMX2_PORT/" 30 "$tmp/automx2.log"
seeded=$(curl -fsS -X POST -H 'Content-Type: application/json' --data-binary @"$tmp/automx2-seed.json" \
    "http://127.0.0.1:$AUTOMX2_PORT/initdb/") || { echo "automx2: seeding failed" >&2; tail -n 30 "$tmp/automx2.log" >&2; exit 1; }
case $seeded in
    *"now prepared"*) ;;
    *) echo "automx2: unexpected /initdb/ answer: $seeded" >&2; exit 1 ;;
esac
AUTOMX2_URL="http://127.0.0.1:$AUTOMX2_PORT$URL_PATH"
check_answer automx2 "$AUTOMX2_URL" "$tmp/automx2.xml"

# --- nginx serving mailconf's bytes --------------------------------------------------
# The worker processes drop to an unprivileged user when started as root: they must be
# able to read the document root.
mkdir -p "$tmp/nginx/www/mail" "$tmp/nginx/temp"
cp "$tmp/mailconf.xml" "$tmp/nginx/www/mail/config-v1.1.xml"
chmod 755 "$tmp" "$tmp/nginx" "$tmp/nginx/www" "$tmp/nginx/www/mail"
chmod 644 "$tmp/nginx/www/mail/config-v1.1.xml"
cat >"$tmp/nginx/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes auto;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path $tmp/nginx/temp/body;
    proxy_temp_path $tmp/nginx/temp/proxy;
    fastcgi_temp_path $tmp/nginx/temp/fastcgi;
    uwsgi_temp_path $tmp/nginx/temp/uwsgi;
    scgi_temp_path $tmp/nginx/temp/scgi;
    types { }
    default_type application/xml;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $tmp/nginx/www;
        location = /mail/config-v1.1.xml { }
        location / { return 404; }
    }
    server {
        listen 127.0.0.1:$NGINX_LOG_PORT;
        access_log $tmp/nginx/access.log combined buffer=64k flush=1s;
        root $tmp/nginx/www;
        location = /mail/config-v1.1.xml { }
        location / { return 404; }
    }
}
EOF
nginx -t -q -p "$tmp/nginx/" -e "$tmp/nginx/error.log" -c "$tmp/nginx/nginx.conf" 2>"$tmp/nginx/test.log" \
    || { cat "$tmp/nginx/test.log" >&2; exit 1; }
nginx -p "$tmp/nginx/" -e "$tmp/nginx/error.log" -c "$tmp/nginx/nginx.conf" 2>"$tmp/nginx/stderr.log" &
pids+=($!)
NGINX_URL="http://127.0.0.1:$NGINX_PORT$URL_PATH"
NGINX_LOG_URL="http://127.0.0.1:$NGINX_LOG_PORT$URL_PATH"
wait_http "$NGINX_URL" 10 "$tmp/nginx/error.log"
check_answer nginx "$NGINX_URL" "$tmp/nginx.xml"
check_answer nginx "$NGINX_LOG_URL" "$tmp/nginx-log.xml"
cmp -s "$tmp/nginx.xml" "$tmp/mailconf.xml" || { echo "nginx does not serve mailconf's bytes" >&2; exit 1; }

echo "versions: $("$mailconf" --version 2>/dev/null | head -n 1 || echo '?') (mailconf)," \
    "automx2 $("$AUTOMX2_VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("automx2"))')," \
    "gunicorn $("$AUTOMX2_VENV/bin/gunicorn" --version 2>&1 | awk '{print $NF; exit}' | tr -d ')')," \
    "$(nginx -v 2>&1 | sed 's/^nginx version: //'), $(wrk -v 2>&1 | awk 'NR==1 {print $1, $2}')"
echo "answer sizes: mailconf $(wc -c <"$tmp/mailconf.xml") B, automx2 $(wc -c <"$tmp/automx2.xml") B, nginx $(wc -c <"$tmp/nginx.xml") B"

# --- load ----------------------------------------------------------------------------
# wrk in the background, so that a signal to this script stops it at once (clean_up kills it).
run_wrk() {
    wrk "$@" &
    wrk_pid=$!
    local rc=0
    wait "$wrk_pid" || rc=$?
    wrk_pid=""
    return "$rc"
}
# Runs wrk and sets RPS, P50, P99 (ms), ERRORS; $1 name, $2 URL, $3 connections, $4 seconds.
load() {
    local out
    run_wrk -t2 -c"$3" -d"${WARMUP}s" "$2" >/dev/null 2>&1 || true
    run_wrk -t2 -c"$3" -d"$4s" --latency "$2" >"$tmp/wrk-$1-$3.txt" || { echo "wrk failed against $1" >&2; exit 1; }
    out=$(cat "$tmp/wrk-$1-$3.txt")
    read -r RPS P50 P99 ERRORS < <(printf '%s\n' "$out" | awk '
        function ms(v,   n) {  # wrk prints 812.00us, 1.23ms, 2.01s, 1.50m
            n = v + 0
            if (v ~ /us$/) return n / 1000
            if (v ~ /ms$/) return n
            if (v ~ /s$/) return n * 1000
            if (v ~ /m$/) return n * 60000
            if (v ~ /h$/) return n * 3600000
            return n
        }
        $1 == "50%" { p50 = ms($2) }
        $1 == "99%" { p99 = ms($2) }
        /^Requests\/sec:/ { rps = $2 }
        /Socket errors:/ { gsub(",", ""); err += $4 + $6 + $8 + $10 }
        /Non-2xx or 3xx responses:/ { err += $NF }
        END { if (rps == "") exit 1; printf "%s %.3f %.3f %d\n", rps, p50, p99, err }') \
        || { echo "could not read wrk's output:" >&2; printf '%s\n' "$out" >&2; exit 1; }
    printf '%s: %.0f req/s, p50 %.2f ms, p99 %.2f ms, errors %d (%d connections, %d s)\n' \
        "$1" "$RPS" "$P50" "$P99" "$ERRORS" "$3" "$4"
}

logged=() quiet=() p99s=()
for ((run = 1; run <= RUNS; run++)); do
    echo "round $run of $RUNS:"
    load mailconf-log "$MAILCONF_URL" "$CONNECTIONS" "$DURATION"; m_log=$RPS; p99s+=("$P99")
    load nginx-log "$NGINX_LOG_URL" "$CONNECTIONS" "$DURATION"; n_log=$RPS
    load mailconf-nolog "$MAILCONF_QUIET_URL" "$CONNECTIONS" "$DURATION"; m_quiet=$RPS
    load nginx-nolog "$NGINX_URL" "$CONNECTIONS" "$DURATION"; n_quiet=$RPS
    logged+=("$(awk -v a="$m_log" -v b="$n_log" 'BEGIN { printf "%.3f", a / b }')")
    quiet+=("$(awk -v a="$m_quiet" -v b="$n_quiet" 'BEGIN { printf "%.3f", a / b }')")
done
ours_rps=$m_quiet
load automx2 "$AUTOMX2_URL" "$CONNECTIONS" "$DURATION"
automx2_rps=$RPS
load mailconf-log "$MAILCONF_URL" "$LONG_CONNECTIONS" "$LONG"
long_errors=$ERRORS
kill -0 "$mailconf_pid" 2>/dev/null || { echo "mailconf serve is gone after the runs:" >&2; tail -n 30 "$tmp/mailconf-$MAILCONF_PORT.log" >&2; exit 1; }
rss_kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$mailconf_pid/status")
hwm_kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$mailconf_pid/status")

spread() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {printf "%.2f (%.2f-%.2f over %d runs)", a[int((NR+1)/2)], a[1], a[NR], NR}'; }
median_of() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
logged_median=$(median_of "${logged[@]}") quiet_median=$(median_of "${quiet[@]}") p99_median=$(median_of "${p99s[@]}")
echo "mailconf/nginx rps, access logs on:  $(spread "${logged[@]}") (target >= 0.8: $(awk -v r="$logged_median" 'BEGIN { print (r >= 0.8 ? "met" : "NOT met") }'))"
echo "mailconf/nginx rps, access logs off: $(spread "${quiet[@]}")"
awk -v o="$ours_rps" -v a="$automx2_rps" -v p="$p99_median" -v c="$CONNECTIONS" \
    -v rss="$rss_kb" -v hwm="$hwm_kb" -v e="$long_errors" -v long="$LONG" -v lc="$LONG_CONNECTIONS" 'BEGIN {
    r = (a > 0 ? o / a : 0); printf "mailconf/automx2 rps: %.1fx (target >= 10x: %s)\n", r, (r >= 10 ? "met" : "NOT met")
    printf "p99 at %d connections, log on (median of the rounds): %.2f ms (target < 5 ms: %s)\n", c, p, (p < 5 ? "met" : "NOT met")
    m = rss / 1024; printf "memory after the run: %.1f MiB RSS, peak %.1f MiB (target < 64 MiB: %s)\n", m, hwm / 1024, (m < 64 ? "met" : "NOT met")
    printf "errors in %d s at %d connections: %d (target 0: %s)\n", long, lc, e, (e == 0 ? "met" : "NOT met")
}'
