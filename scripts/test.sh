#!/usr/bin/env bash
# Runs every mailconf test on a fresh machine: installs what the build and the tests
# need (Debian packages), builds, and runs `swift test`. This is the README's test
# command, and what CI runs through .ci/run.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

# Debian packages the build and tests need: the two system libraries mailconf is built
# with (libxml2, SQLite) and binutils (readelf, to check what the binary links); for the
# SMTP integration tests a real MTA (Postfix with Dovecot SASL) and openssl for test
# certificates; and the real readers of each exported format (xmllint with the project's
# schemas, Python's plistlib, msmtp, neomutt, git); for the Kerberos tests MIT's GSS-API
# runtime (mailconf opens it at run time; no headers), a real KDC, Dovecot's GSSAPI, and
# faketime to make a ticket with a skewed clock; for the installation test man (man-db)
# and systemd-analyze (systemd), which read what scripts/install.sh installs; and strace,
# to hold every system call serve makes against the unit's SystemCallFilter; and
# PostgreSQL, for the shared catalog (the lab runs a cluster of its own); Chromium
# with its WebDriver, for the admin page's tests in a real browser; and the application
# frameworks the exports are sent with (Django, Nodemailer, PHPMailer, Ruby's mail gem;
# Jakarta Mail with a JDK stands in for Spring Boot, which Debian does not package) and
# the fetchers the exports sync with (isync's mbsync, fetchmail, getmail6, OfflineIMAP), and
# aerc, driven at a terminal in tmux.
PACKAGES=(libxml2-dev libsqlite3-dev pkg-config binutils postfix dovecot-core dovecot-imapd dovecot-pop3d openssl
          libxml2-utils python3 python3-venv msmtp neomutt git curl dnsmasq-base
          libgssapi-krb5-2 krb5-kdc krb5-admin-server krb5-user dovecot-gssapi faketime
          man-db systemd strace pebble publicsuffix postgresql chromium chromium-driver
          python3-django node-nodemailer libphp-phpmailer php-cli ruby-mail libjakarta-mail-java openjdk-17-jdk-headless
          isync fetchmail getmail6 offlineimap3 aerc tmux)
missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    # Postfix is installed unconfigured and no package starts a system service: the
    # tests run their own instance and leave the machine's mail set-up alone.
    echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
    policy_added=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
        $SUDO chmod +x /usr/sbin/policy-rc.d
        policy_added=1
    fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
    [ -z "$policy_added" ] || $SUDO rm -f /usr/sbin/policy-rc.d
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

# Our own Postfix + Dovecot on loopback ports, torn down at the end.
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
export KRB5_CONFIG="$(sed -n 's/^KRB5_CONFIG=//p' "$MAILCONF_TEST_SERVERS")"

# The deliverability peer: checkdmarc from PyPI, in a cached venv, warmed up here against
# the lab DNS. Without PyPI the comparison tests are skipped with a message.
DNS_PORT=$(sed -n 's/^DNS_PORT=//p' "$MAILCONF_TEST_SERVERS")
if "$ROOT/scripts/checkdmarc-peer.sh" "127.0.0.1:$DNS_PORT" good.test >/dev/null; then
    export MAILCONF_CHECKDMARC=ready
else
    echo "checkdmarc could not be set up (PyPI unreachable?): the peer comparison will be skipped" >&2
fi

# The browser for the admin page's tests: Debian's Chromium and its driver, and selenium
# from PyPI in a cached venv (scripts/browser.sh). Without them that test is skipped.
if "$ROOT/scripts/browser.sh" --check; then
    export MAILCONF_BROWSER=ready
else
    echo "Chromium or selenium could not be set up: the browser test of the admin page will be skipped" >&2
fi
# Screenshots the browser test takes go beside the build, never into the repository.
export MAILCONF_TEST_OUTPUT="${MAILCONF_TEST_OUTPUT:-$ROOT/.build/test-output}"

swift build --build-tests
# scripts/install.sh into a temporary prefix, from the debug build the tests use (a
# release build would add ten minutes); InstallationTests read what it installed.
export MAILCONF_INSTALLED_PREFIX="$XDG_DATA_HOME/installed/usr"
"$ROOT/scripts/install.sh" --prefix "$MAILCONF_INSTALLED_PREFIX" --configuration debug
# One test at a time (about 110 s here, against about 40 s in parallel). In parallel, the
# suite keeps both cores busy for its first half minute, and every test that waits on a
# short deadline (a hostile server's 1 s reply timeout) waits its turn on Swift's
# cooperative pool too: fresh-clone runs failed one to five of them each way, none
# when run alone. What the tests check is behaviour, not the machine under load.
swift test --no-parallel "$@"
# Every fuzz target for 20 s on the committed seeds (docs/fuzzing.md): a crash, a leak,
# a timeout or an allocation over the memory ceiling fails the run, and its reproducer
# is left in .build-fuzz/findings/. Only for the whole suite, not a --filter run.
if [ $# -eq 0 ]; then
    "$ROOT/scripts/fuzz.sh" --seconds 20
fi
