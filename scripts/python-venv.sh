# Sourced by the scripts that run a PyPI tool (checkdmarc-peer.sh, browser.sh): a
# virtual environment per tool and version, built once under a lock and reused while
# its marker says the install finished.
#
#   cached_venv TOOL CACHE PYTHON IMPORT_CHECK REQUIREMENT...
#       Prints the venv's path. TOOL names the caller in messages; IMPORT_CHECK is Python
#       that must run in the new venv (else it is removed). Exits 1 with a message when
#       the venv cannot be made or pip fails (PyPI unreachable).

cached_venv() {
    local tool="$1" cache="$2" python="$3" check="$4"
    shift 4
    local venv="$cache/venv-$(printf '%s\n' "$@" | sha256sum | cut -c1-12)"
    mkdir -p "$cache" || { echo "$tool: cannot create $cache" >&2; exit 1; }
    exec 9>"$cache/.lock"
    flock -w 600 9 || { echo "$tool: another run is still installing into $cache (lock held for 10 minutes)" >&2; exit 1; }
    if [ ! -f "$venv/.mailconf-installed" ]; then
        command -v "$python" >/dev/null || { echo "$tool: $python not found" >&2; exit 1; }
        rm -rf "$venv"
        echo "$tool: installing $* into $venv" >&2
        "$python" -m venv "$venv" >&2 \
            || { echo "$tool: could not create a venv with $python (on Debian: apt-get install -y python3-venv)" >&2; exit 1; }
        PIP_DISABLE_PIP_VERSION_CHECK=1 timeout 600 "$venv/bin/pip" install -q --timeout 60 "$@" >&2 \
            || { rm -rf "$venv"; echo "$tool: pip install $* failed (is PyPI reachable?)" >&2; exit 1; }
        "$venv/bin/python" -c "$check" \
            || { rm -rf "$venv"; echo "$tool: $* installed but does not import" >&2; exit 1; }
        touch "$venv/.mailconf-installed"
    fi
    flock -u 9
    exec 9>&-
    printf '%s\n' "$venv"
}
