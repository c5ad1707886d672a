#!/usr/bin/env bash
# Runs every mailconf test on a fresh machine: installs what the build and the tests
# need (Debian packages), starts the lab, builds, installs into a temporary prefix, runs
# `swift test`, then fuzzes each target for 20 s. This is the README's test command, and
# what CI runs through .ci/run (with CI=true: then a missing dependency fails the run).
#
#   scripts/test.sh [SWIFT TEST OPTIONS]   the full run (a --filter run skips the fuzzing)
#   scripts/test.sh --quick [OPTIONS]      a build and `swift test` only: no packages, no
#                                          lab, no install, no fuzzing; the tests that need
#                                          them show as skipped, even with CI set
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
command -v swift >/dev/null || { echo "swift is not on PATH: install a Swift 6 toolchain (swift.org)" >&2; exit 1; }
# Every import of one of our modules must be a declared dependency (Package.swift and
# the imports cannot drift apart).
IMPORT_CHECK="--explicit-target-dependency-import-check error"

if [ "${1:-}" = "--quick" ]; then
    shift
    # Nothing from outside the tree: no lab, no ISPDB (empty: none), no installed prefix. Without CI
    # and MAILCONF_REQUIRE_LAB the dependency check (Tests/TestSupport/Requirement.swift)
    # shows as skipped instead of failing on what a quick run never sets up.
    unset CI MAILCONF_REQUIRE_LAB MAILCONF_TEST_SERVERS MAILCONF_INSTALLED_PREFIX MAILCONF_BROWSER MAILCONF_CHECKDMARC MAILCONF_DB
    export MAILCONF_ISPDB=""
    XDG_DATA_HOME="$(mktemp -d)"
    export XDG_DATA_HOME
    trap 'rm -rf "$XDG_DATA_HOME"' EXIT
    swift build --build-tests $IMPORT_CHECK
    swift test $IMPORT_CHECK "$@"
    exit 0
fi

# Debian packages, and what needs them:
#   the build        libxml2-dev libsqlite3-dev pkg-config; binutils (readelf: what the binary links)
#   the lab          postfix dovecot-core dovecot-imapd dovecot-pop3d dovecot-gssapi openssl
#                    dnsmasq-base krb5-kdc krb5-admin-server krb5-user pebble postgresql curl
#   Kerberos         libgssapi-krb5-2 (opened at run time), faketime (a skewed clock)
#   export readers   libxml2-utils (xmllint), python3 python3-venv, msmtp, neomutt, git
#   installation     man-db, systemd (systemd-analyze), strace (the unit's SystemCallFilter)
#   discovery        publicsuffix
#   the admin page   chromium chromium-driver (selenium comes from PyPI)
#   frameworks       python3-django node-nodemailer libphp-phpmailer php-cli ruby-mail
#                    libjakarta-mail-java openjdk-17-jdk-headless (stands in for Spring Boot)
#   fetchers         isync (mbsync) fetchmail getmail6 offlineimap3; aerc and tmux
# Tests/TestSupport/Requirement.swift names the same packages for each test's gate.
PACKAGES=(libxml2-dev libsqlite3-dev pkg-config binutils postfix dovecot-core dovecot-imapd dovecot-pop3d openssl
          libxml2-utils python3 python3-venv msmtp neomutt git curl dnsmasq-base
          libgssapi-krb5-2 krb5-kdc krb5-admin-server krb5-user dovecot-gssapi faketime
          man-db systemd strace pebble publicsuffix postgresql chromium chromium-driver
          python3-django node-nodemailer libphp-phpmailer php-cli ruby-mail libjakarta-mail-java openjdk-17-jdk-headless
          isync fetchmail getmail6 offlineimap3 aerc tmux)
install_packages "${PACKAGES[@]}"

# The ISPDB copy for the import and round-trip tests. Without it (as without anything
# below) those tests are reported skipped; with CI set, everyRequirementIsThere fails.
export MAILCONF_ISPDB="$ISPDB"
if [ -d "$MAILCONF_ISPDB" ]; then
    echo "ISPDB corpus: $MAILCONF_ISPDB"
else
    echo "ISPDB corpus not found at $MAILCONF_ISPDB: its tests will be skipped, or fail with CI set (set MAILCONF_ISPDB)"
fi
# Tests must never touch a user's real catalog.
unset MAILCONF_DB
XDG_DATA_HOME="$(mktemp -d)"
export XDG_DATA_HOME

# The lab (scripts/test-servers.sh, its ports in scripts/lab.list), torn down at the end.
cleanup() {
    "$ROOT/scripts/test-servers.sh" stop || true
    rm -rf "$XDG_DATA_HOME"
}
trap cleanup EXIT
# Assigned before it is exported, so that a lab that fails to start stops this script
# (`export X="$(…)"` would hide the failure).
MAILCONF_TEST_SERVERS="$("$ROOT/scripts/test-servers.sh" start)"
export MAILCONF_TEST_SERVERS
echo "test MTA: $(tr '\n' ' ' < "$MAILCONF_TEST_SERVERS" | sed 's/PASSWORD_FILE=[^ ]* //')"
# GSS-API in the test process reads the lab realm's krb5.conf, not the machine's.
read_lab_env "$MAILCONF_TEST_SERVERS"
export KRB5_CONFIG

# The deliverability peer: checkdmarc from PyPI, in a cached venv, warmed up here against
# the lab DNS. Without PyPI the comparison tests are skipped.
if "$ROOT/scripts/checkdmarc-peer.sh" "127.0.0.1:$DNS_PORT" good.test >/dev/null; then
    export MAILCONF_CHECKDMARC=ready
else
    echo "checkdmarc could not be set up (PyPI unreachable?): the peer comparison will be skipped, or fail with CI set" >&2
fi

# The browser for the admin page's tests: Debian's Chromium and its driver, and selenium
# from PyPI in a cached venv (scripts/browser.sh). Without them that test is skipped.
if "$ROOT/scripts/browser.sh" --check; then
    export MAILCONF_BROWSER=ready
else
    echo "Chromium or selenium could not be set up: the browser test of the admin page will be skipped, or fail with CI set" >&2
fi
# Screenshots the browser test takes go beside the build, never into the repository.
export MAILCONF_TEST_OUTPUT="${MAILCONF_TEST_OUTPUT:-$ROOT/.build/test-output}"

swift build --build-tests $IMPORT_CHECK
# scripts/install.sh into a temporary prefix, from the debug build the tests use (a
# release build would add ten minutes); InstallationTests read what it installed.
export MAILCONF_INSTALLED_PREFIX="$XDG_DATA_HOME/installed/usr"
"$ROOT/scripts/install.sh" --prefix "$MAILCONF_INSTALLED_PREFIX" --configuration debug
# One test at a time (about 110 s here, against about 40 s in parallel). In parallel, the
# suite keeps both cores busy for its first half minute, and every test that waits on a
# short deadline (a hostile server's 1 s reply timeout) waits its turn on Swift's
# cooperative pool too: fresh-clone runs failed one to five of them each way, none
# when run alone. What the tests check is behaviour, not the machine under load.
swift test --no-parallel $IMPORT_CHECK "$@"
# Every fuzz target for 20 s on the committed seeds (docs/fuzzing.md): a crash, a leak,
# a timeout or an allocation over the memory ceiling fails the run, and its reproducer
# is left in .build-fuzz/findings/. Only for the whole suite, not a --filter run.
if [ $# -eq 0 ]; then
    "$ROOT/scripts/fuzz.sh" --seconds 20
fi
