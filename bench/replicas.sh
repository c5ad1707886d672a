#!/usr/bin/env bash
# Two `mailconf serve` replicas on one PostgreSQL catalog, behind nginx:
#   1. propagation: CHANGES times, `mailconf domains add dN.example` in a third process,
#      then both replicas asked directly (every 2 ms) until both answer it; the time
#      from the command's exit (its transaction has committed by then) to the second
#      replica's first 200. Median and max, per round.
#   2. failover: wrk through nginx (round robin over both, proxy_next_upstream on
#      error/timeout/502/503, 2 tries) for DURATION seconds at CONNECTIONS connections,
#      once with both replicas up (the baseline), once with replica A killed (SIGKILL) a
#      third of the way in and started again at two thirds. Requests per second and
#      errors (socket errors + non-2xx answers) of each, and the ratio of the two rates.
# RUNS rounds of both, for the median and the spread. Target (issue 21): no client
# error while a replica is killed and restarted.
#
# PostgreSQL is the lab's (scripts/test-servers.sh start, stopped on exit): a new
# database per round, its password from the lab's file. All on 127.0.0.1; wrk, nginx,
# both replicas and PostgreSQL share the machine's 2 cores, so every figure is a
# loaded-machine figure.
#
# Env: RUNS (3), CHANGES (50), DURATION (15, s per wrk run), CONNECTIONS (32),
# PORT_A (18280), PORT_B (18281), NGINX_PORT (18282), MAILCONF_BIN (an existing
# binary instead of the release build). Missing Debian packages (wrk, nginx, curl,
# python3) are installed with no system service started.
source "$(dirname "$0")/common.sh"
RUNS=${RUNS:-3}
CHANGES=${CHANGES:-50}
DURATION=${DURATION:-15}
CONNECTIONS=${CONNECTIONS:-32}
PORT_A=${PORT_A:-18280}
PORT_B=${PORT_B:-18281}
NGINX_PORT=${NGINX_PORT:-18282}
URL_PATH="/mail/config-v1.1.xml?emailaddress=alice@example.org"

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v curl >/dev/null || missing+=(curl)
command -v python3 >/dev/null || missing+=(python3)
install_packages "${missing[@]}"
PATH="$PATH:/usr/sbin"

mailconf_binary

tmp=$(mktemp -d)
start_lab
export PGPASSWORD
PGPASSWORD=$(cat "$POSTGRES_PASSWORD_FILE")
for p in "$PORT_A" "$PORT_B" "$NGINX_PORT"; do
    ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "port $p is in use: set PORT_A, PORT_B or NGINX_PORT" >&2; exit 1; }
done

# Starts a replica on port $1 (its log $tmp/replica-$1.log); prints its pid.
start_replica() {
    local i
    "$mailconf" serve --host 127.0.0.1 --port "$1" --db "$DB" --no-access-log >"$tmp/replica-$1.out" 2>>"$tmp/replica-$1.log" &
    local pid=$!
    for ((i = 0; i < 300; i++)); do
        grep -q '^mailconf serve: listening on ' "$tmp/replica-$1.out" 2>/dev/null && break
        kill -0 "$pid" 2>/dev/null || { echo "replica on $1 exited:" >&2; cat "$tmp/replica-$1.out" "$tmp/replica-$1.log" >&2; exit 1; }
        sleep 0.1
    done
    echo "$pid"
}

mkdir -p "$tmp/nginx/temp"
cat >"$tmp/nginx/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes 1;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000000;
    client_body_temp_path $tmp/nginx/temp/body;
    proxy_temp_path $tmp/nginx/temp/proxy;
    fastcgi_temp_path $tmp/nginx/temp/fastcgi;
    uwsgi_temp_path $tmp/nginx/temp/uwsgi;
    scgi_temp_path $tmp/nginx/temp/scgi;
    upstream replicas {
        server 127.0.0.1:$PORT_A max_fails=1 fail_timeout=1s;
        server 127.0.0.1:$PORT_B max_fails=1 fail_timeout=1s;
        keepalive 32;
    }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location / {
            proxy_pass http://replicas;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_connect_timeout 1s;
            proxy_next_upstream error timeout http_502 http_503;
            proxy_next_upstream_tries 2;
        }
    }
}
EOF
nginx -t -q -p "$tmp/nginx/" -e "$tmp/nginx/error.log" -c "$tmp/nginx/nginx.conf" 2>"$tmp/nginx/test.log" \
    || { cat "$tmp/nginx/test.log" >&2; exit 1; }
nginx -p "$tmp/nginx/" -e "$tmp/nginx/error.log" -c "$tmp/nginx/nginx.conf" 2>"$tmp/nginx/stderr.log" &
pids+=($!)

# wrk's summary as "requests/s errors".
wrk_summary() {
    awk '/Requests\/sec/ {rps=$2}
         /Socket errors/ {gsub(",", ""); e += $4 + $6 + $8 + $10}
         /Non-2xx/ {e += $5}
         END {printf "%.0f %d\n", rps, e}' "$1"
}

propagation=() failover=() ratios=() errors_all=()
for round in $(seq "$RUNS"); do
    name="bench_$(date +%s)_$round"
    psql -X -q -h 127.0.0.1 -p "$POSTGRES_PORT" -U mailconf -d mailconf -c "CREATE DATABASE $name" >/dev/null
    DB="postgres://mailconf@127.0.0.1:$POSTGRES_PORT/$name"
    "$mailconf" domains add example.org --provider fastmail --db "$DB" >/dev/null
    pid_a=$(start_replica "$PORT_A"); pids+=("$pid_a")
    pid_b=$(start_replica "$PORT_B"); pids+=("$pid_b")
    for port in "$NGINX_PORT" "$PORT_A" "$PORT_B"; do
        wait_for_http "http://127.0.0.1:$port$URL_PATH" 100 || true
    done

    # 1. propagation
    python3 - "$mailconf" "$DB" "$PORT_A" "$PORT_B" "$CHANGES" "$round" >"$tmp/propagation-$round.txt" <<'PY'
import http.client, subprocess, sys, time
mailconf, db, a, b, changes, round_ = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
def status(port, domain):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        c.request("GET", f"/mail/config-v1.1.xml?emailaddress=alice@{domain}")
        return c.getresponse().status
    except OSError:
        return -1
    finally:
        c.close()
times = []
for i in range(changes):
    domain = f"r{round_}-d{i}.example"
    subprocess.run([mailconf, "domains", "add", domain, "--provider", "fastmail", "--db", db], check=True, stdout=subprocess.DEVNULL)
    t0 = time.monotonic()
    pending = {a, b}
    while pending:
        pending = {p for p in pending if status(p, domain) != 200}
        if time.monotonic() - t0 > 10:
            print(f"change {i}: not answered by {sorted(pending)} within 10 s", file=sys.stderr); sys.exit(1)
        if pending: time.sleep(0.002)
    times.append((time.monotonic() - t0) * 1000)
times.sort()
print(f"{times[len(times) // 2]:.1f} {times[-1]:.1f}")
PY
    read -r med max <"$tmp/propagation-$round.txt"
    propagation+=("$med $max")

    # 2. failover: a baseline, then replica A killed and started again.
    wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" "http://127.0.0.1:$NGINX_PORT$URL_PATH" >"$tmp/wrk-base-$round.txt"
    wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" "http://127.0.0.1:$NGINX_PORT$URL_PATH" >"$tmp/wrk-kill-$round.txt" &
    wrk_pid=$!
    sleep "$(awk -v d="$DURATION" 'BEGIN {print d / 3}')"
    kill -9 "$pid_a"
    sleep "$(awk -v d="$DURATION" 'BEGIN {print d / 3}')"
    pid_a=$(start_replica "$PORT_A"); pids+=("$pid_a")
    wait "$wrk_pid"
    wrk_pid=""
    read -r base_rps base_err < <(wrk_summary "$tmp/wrk-base-$round.txt")
    read -r kill_rps kill_err < <(wrk_summary "$tmp/wrk-kill-$round.txt")
    # The restarted replica is back in the rotation.
    curl -fsS -o /dev/null "http://127.0.0.1:$PORT_A$URL_PATH" || { echo "replica A did not come back" >&2; exit 1; }
    failover+=("$base_rps $base_err $kill_rps $kill_err")
    ratios+=("$(awk -v k="$kill_rps" -v b="$base_rps" 'BEGIN {printf "%.2f", k / b}')")
    errors_all+=("$kill_err")
    printf 'round %d: propagation median %s ms, max %s ms; baseline %s req/s (%s errors); with a replica killed and restarted %s req/s (%s errors)\n' \
        "$round" "$med" "$max" "$base_rps" "$base_err" "$kill_rps" "$kill_err"
    kill "$pid_a" "$pid_b" 2>/dev/null || true
    wait "$pid_a" "$pid_b" 2>/dev/null || true
done

spread() { sort -n | awk '{a[NR]=$1} END {printf "median %s (%s–%s)", a[int((NR+1)/2)], a[1], a[NR]}'; }
echo
echo "propagation, median of each round's median (ms): $(printf '%s\n' "${propagation[@]}" | awk '{print $1}' | spread)"
echo "propagation, each round's max (ms):              $(printf '%s\n' "${propagation[@]}" | awk '{print $2}' | spread)"
echo "baseline requests/s:                             $(printf '%s\n' "${failover[@]}" | awk '{print $1}' | spread)"
echo "with a replica killed and restarted, req/s:      $(printf '%s\n' "${failover[@]}" | awk '{print $3}' | spread)"
echo "  ratio to the baseline:                         $(printf '%s\n' "${ratios[@]}" | spread)"
echo "  client errors:                                 $(printf '%s\n' "${errors_all[@]}" | spread)"
