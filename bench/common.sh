# Shared by the bench/ scripts: a release build and the ISPDB location.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ISPDB="${MAILCONF_ISPDB:-$ROOT/../shared/ispdb}"
build_release() {
    echo "building release (first time: ~10 minutes on 2 cores)…" >&2
    (cd "$ROOT" && swift build -c release --product "$1" >&2)
    BIN="$(cd "$ROOT" && swift build -c release --show-bin-path)"
}
need() { command -v "$1" >/dev/null || { echo "bench needs '$1': apt-get install -y $2" >&2; exit 1; }; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now_ns() { date +%s%N; }

# Starts the lab MTA (scripts/test-servers.sh), reads its settings into the shell
# (ports, CA_FILE, USER, PASSWORD_FILE) and PW, and stops it, and removes $tmp if set, on exit.
start_lab() {
    local env_file
    env_file=$("$ROOT/scripts/test-servers.sh" start)
    trap '"$ROOT/scripts/test-servers.sh" stop; [ -z "${tmp:-}" ] || rm -rf "$tmp"' EXIT
    # shellcheck disable=SC1090
    source "$env_file"
    PW=$(cat "$PASSWORD_FILE")
}
