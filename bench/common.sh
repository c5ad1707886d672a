# Shared by the bench/ scripts: a release build, the ISPDB location, packages, the lab,
# and one clean-up.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ISPDB="${MAILCONF_ISPDB:-$ROOT/../shared/ispdb}"
build_release() {
    echo "building release (first time: ~10 minutes on 2 cores)…" >&2
    (cd "$ROOT" && swift build -c release --product "$1" >&2)
    BIN="$(cd "$ROOT" && swift build -c release --show-bin-path)"
}
need() { command -v "$1" >/dev/null || { echo "bench needs '$1': apt-get install -y $2" >&2; exit 1; }; }
# Installs the Debian packages named (none: nothing to do) with apt-get. No package may
# start a system service (nginx would take port 80): policy-rc.d says no meanwhile.
install_packages() {
    [ $# -gt 0 ] || return 0
    echo "installing $*…" >&2
    local SUDO="" policy_added=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
        $SUDO chmod +x /usr/sbin/policy-rc.d
        policy_added=1
    fi
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >&2
    [ -z "$policy_added" ] || $SUDO rm -f /usr/sbin/policy-rc.d
}
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

# Starts the lab (scripts/test-servers.sh), reads its settings into the shell (ports,
# CA_FILE, USER, PASSWORD_FILE, POSTGRES_*) and PW; clean_up stops it.
start_lab() {
    local env_file
    env_file=$("$ROOT/scripts/test-servers.sh" start)
    lab_started=1
    # shellcheck disable=SC1090
    source "$env_file"
    PW=$(cat "$PASSWORD_FILE")
}
