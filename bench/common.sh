# Shared by the bench/ scripts: scripts/lib.sh (packages, port waits, the lab's env file,
# the ISPDB location, the release build), the binary measured, the lab, one clean-up.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
need() { command -v "$1" >/dev/null || { echo "bench needs '$1': apt-get install -y $2" >&2; exit 1; }; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now_ns() { date +%s%N; }

# The mailconf binary measured, in $mailconf: MAILCONF_BIN when set, else a release build.
mailconf_binary() {
    if [ -n "${MAILCONF_BIN:-}" ]; then
        mailconf=$MAILCONF_BIN
    else
        build_release mailconf
        mailconf="$BIN/mailconf"
    fi
}

# One clean-up for every script, on exit and on INT/TERM: the background processes in
# `pids` (and a running wrk in `wrk_pid`) are stopped and waited for, then the lab if
# start_lab started it, then $tmp is removed if set.
pids=()
wrk_pid=""
lab_started=""
clean_up() {
    local p
    [ -z "$wrk_pid" ] || kill "$wrk_pid" 2>/dev/null || true
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do
        wait "$p" 2>/dev/null || true
        # A process started in a subshell is not this shell's child: wait for it to go.
        for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    done
    [ -z "$lab_started" ] || "$ROOT/scripts/test-servers.sh" stop
    [ -z "${tmp:-}" ] || rm -rf "$tmp"
}
trap clean_up EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Starts the lab (scripts/test-servers.sh), reads its env file into the shell (each name
# of scripts/lab.list, CA_FILE, PASSWORD_FILE, DNS_LOG, POSTGRES_*) and PW; clean_up stops it.
start_lab() {
    local env_file
    env_file=$("$ROOT/scripts/test-servers.sh" start)
    lab_started=1
    read_lab_env "$env_file"
    PW=$(cat "$PASSWORD_FILE")
}
