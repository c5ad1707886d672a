#!/usr/bin/env bash
# Runs a Selenium script (Python) against headless Chromium: Debian's chromium and
# chromium-driver, and selenium from PyPI in a cached venv.
#
#   scripts/browser.sh --check           installs the venv and starts Chromium once
#   scripts/browser.sh SCRIPT [ARG...]   runs SCRIPT with the venv's python
#
# The script finds the browser and its driver through MAILCONF_CHROMIUM and
# MAILCONF_CHROMEDRIVER, set here. Exit codes: the script's own; 1 set-up failed (no
# Chromium, no driver, PyPI unreachable); 2 usage; 124 the run took longer than
# BROWSER_TIMEOUT seconds (default 300).
#
# Environment:
#   SELENIUM_VERSION   version installed into the venv (default 4.51.0; 4.52.0 needs a newer
#                      certifi than this PyPI has)
#   BROWSER_CACHE      venv location's parent (default ${XDG_CACHE_HOME:-$HOME/.cache}/mailconf-browser)
#   BROWSER_PYTHON     python to build the venv with (default python3)
set -euo pipefail

usage() { echo "usage: $0 --check | SCRIPT [ARG...]" >&2; exit 2; }
[ $# -ge 1 ] || usage
case "$1" in -h|--help) usage ;; esac

VERSION="${SELENIUM_VERSION:-4.51.0}"
CACHE="${BROWSER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mailconf-browser}"
PY="${BROWSER_PYTHON:-python3}"
fail() { echo "browser: $*" >&2; exit 1; }

export MAILCONF_CHROMIUM="${MAILCONF_CHROMIUM:-$(command -v chromium || true)}"
export MAILCONF_CHROMEDRIVER="${MAILCONF_CHROMEDRIVER:-$(command -v chromedriver || true)}"
[ -x "$MAILCONF_CHROMIUM" ] || fail "no chromium on PATH (on Debian: apt-get install -y chromium)"
[ -x "$MAILCONF_CHROMEDRIVER" ] || fail "no chromedriver on PATH (on Debian: apt-get install -y chromium-driver)"
# Selenium Manager is never asked to download anything: the driver is given.
export SE_OFFLINE=true SE_AVOID_STATS=true

source "$(dirname "$0")/python-venv.sh"
VENV="$(cached_venv browser "$CACHE" "$PY" "import selenium.webdriver" "selenium==$VERSION")" || exit 1

if [ "$1" = "--check" ]; then
    # One page in the browser, as the tests will open it.
    read -r -d '' CHECK <<'PYTHON' || true
import os
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
options = webdriver.ChromeOptions()
options.binary_location = os.environ["MAILCONF_CHROMIUM"]
for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
    options.add_argument(flag)
driver = webdriver.Chrome(service=Service(os.environ["MAILCONF_CHROMEDRIVER"]), options=options)
try:
    driver.get("data:text/html,<title>ok</title>")
    assert driver.title == "ok", driver.title
finally:
    driver.quit()
PYTHON
    timeout 120 "$VENV/bin/python" -c "$CHECK" || fail "Chromium did not start under chromedriver"
    echo "browser: selenium $VERSION with $("$MAILCONF_CHROMIUM" --version 2>/dev/null | head -1)" >&2
    exit 0
fi
[ -f "$1" ] || fail "no script $1"
exec timeout "${BROWSER_TIMEOUT:-300}" "$VENV/bin/python" "$@"
