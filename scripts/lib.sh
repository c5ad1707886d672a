# shellcheck shell=bash disable=SC2034
# Shared by scripts/ and bench/ (sourced, never run): Debian packages, waiting for a
# port, the lab's list and env file, the ISPDB location, the release build.

# The repository, found from this file.
MAILCONF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# The ISPDB copy: MAILCONF_ISPDB, else ../shared/ispdb beside the checkout.
ISPDB="${MAILCONF_ISPDB:-$(cd "$MAILCONF_ROOT/.." && pwd)/shared/ispdb}"

# The lab's one list of ports, addresses and users (see its header).
LAB_LIST="$MAILCONF_ROOT/scripts/lab.list"

# Installs the Debian packages named that are not installed yet (none: nothing to do).
# No package may start a system service (Postfix, nginx): policy-rc.d says no meanwhile,
# and Postfix is left unconfigured.
install_packages() {
    local p missing=() SUDO="" policy_added=""
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -gt 0 ] || return 0
    echo "installing: ${missing[*]}" >&2
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
        $SUDO chmod +x /usr/sbin/policy-rc.d
        policy_added=1
    fi
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >&2
    [ -z "$policy_added" ] || $SUDO rm -f /usr/sbin/policy-rc.d
}

# wait_for_port PORT [ADDRESS] [TENTHS]: 0 once a TCP connect succeeds, within TENTHS
# tenths of a second (100 = 10 s); 1 if it never does.
wait_for_port() {
    local port=$1 address=${2:-127.0.0.1} tries=${3:-100}
    for _ in $(seq "$tries"); do
        (exec 3<>"/dev/tcp/$address/$port") 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# wait_for_http URL [TENTHS] [CURL OPTIONS…]: 0 once curl gets a success from URL.
wait_for_http() {
    local url=$1 tries=${2:-100}
    shift $(($# < 2 ? $# : 2))
    for _ in $(seq "$tries"); do
        curl -sf -o /dev/null "$@" "$url" && return 0
        sleep 0.1
    done
    return 1
}

# read_lab_list [BASE_PORT]: sets a shell variable for each NAME=VALUE of scripts/lab.list;
# each *_PORT moves by BASE_PORT - 20025. LAB_NAMES lists the names, in order.
read_lab_list() {
    local base=${1:-20025} line name value
    LAB_NAMES=()
    while IFS= read -r line || [ -n "$line" ]; do
        line=${line%%#*}
        line=${line//[[:space:]]/}
        [ -n "$line" ] || continue
        name=${line%%=*} value=${line#*=}
        case $name in *_PORT) value=$((value - 20025 + base)) ;; esac
        printf -v "$name" '%s' "$value"
        LAB_NAMES+=("$name")
    done < "$LAB_LIST"
}

# read_lab_env [FILE]: the lab's env file (MAILCONF_TEST_SERVERS, else the default place),
# sourced into the shell: every name of lab.list plus CA_FILE, PASSWORD_FILE, KRB5_*,
# PEBBLE_*, POSTGRES_*. LAB_ENV is the file.
read_lab_env() {
    LAB_ENV=${1:-${MAILCONF_TEST_SERVERS:-/tmp/mailconf-test-servers/servers.env}}
    [ -f "$LAB_ENV" ] || { echo "no lab at $LAB_ENV: run scripts/test-servers.sh start first" >&2; return 1; }
    # shellcheck disable=SC1090
    source "$LAB_ENV"
}

# build_release PRODUCT: a release build of it; BIN is the folder it is in.
build_release() {
    echo "building release (first time: ~10 minutes on 2 cores)…" >&2
    (cd "$MAILCONF_ROOT" && swift build -c release --product "$1" >&2)
    BIN="$(cd "$MAILCONF_ROOT" && swift build -c release --show-bin-path)"
}
