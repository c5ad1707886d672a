#!/usr/bin/env bash
# Runs every mailconf test on a fresh machine: installs what the build and the tests
# need (Debian packages), builds, and runs `swift test`. This is the README's test
# command, and what CI runs through .ci/run.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

# Debian packages the build and tests need.
PACKAGES=(libxml2-dev libsqlite3-dev pkg-config)
missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
command -v swift >/dev/null || { echo "swift is not on PATH: install a Swift 6 toolchain (swift.org)" >&2; exit 1; }

# The ISPDB copy for the import and round-trip tests (skipped, with a message, when absent).
export MAILCONF_ISPDB="${MAILCONF_ISPDB:-$(cd "$ROOT/.." && pwd)/shared/ispdb}"
if [ -d "$MAILCONF_ISPDB" ]; then
    echo "ISPDB corpus: $MAILCONF_ISPDB"
else
    echo "ISPDB corpus not found at $MAILCONF_ISPDB: its tests will be skipped (set MAILCONF_ISPDB)"
fi
# Tests must never touch a user's real catalog.
unset MAILCONF_DB
export XDG_DATA_HOME="$(mktemp -d)"
trap 'rm -rf "$XDG_DATA_HOME"' EXIT

swift build --build-tests
swift test "$@"
