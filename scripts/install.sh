#!/usr/bin/env bash
# Builds mailconf and installs it where a Debian admin expects each piece:
#
#   scripts/install.sh [--prefix DIR] [--destdir DIR] [--configuration release|debug]
#
#   PREFIX/bin/mailconf                                  the binary (release build)
#   PREFIX/share/man/man1/mailconf.1.gz, mailconf.*.1.gz  a page per subcommand
#   PREFIX/share/bash-completion/completions/mailconf    bash completion
#   PREFIX/share/zsh/vendor-completions/_mailconf        zsh completion
#   PREFIX/share/fish/vendor_completions.d/mailconf.fish fish completion
#   PREFIX/lib/systemd/system/mailconf.service           the hardened unit (deploy/)
#
# The prefix is /usr/local unless told otherwise (/usr for a package). --destdir stages
# the tree under another root, as packaging does. The man pages and the completion
# scripts are generated from the argument parser itself (swift-argument-parser's
# manual generator and --generate-completion-script), so they always match the binary.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PREFIX=/usr/local DESTDIR="" CONFIGURATION=release
usage() { echo "usage: $0 [--prefix DIR] [--destdir DIR] [--configuration release|debug]" >&2; exit 2; }
while [ $# -gt 0 ]; do
    case "$1" in
    --prefix) [ $# -ge 2 ] || usage; PREFIX="$2"; shift 2 ;;
    --destdir) [ $# -ge 2 ] || usage; DESTDIR="$2"; shift 2 ;;
    --configuration) [ $# -ge 2 ] || usage; CONFIGURATION="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage ;;
    esac
done
case "$CONFIGURATION" in release|debug) ;; *) echo "--configuration $CONFIGURATION: expected release or debug" >&2; exit 2 ;; esac
case "$PREFIX" in /*) ;; *) echo "--prefix $PREFIX: expected an absolute path" >&2; exit 2 ;; esac
command -v swift >/dev/null || { echo "swift is not on PATH: install a Swift 6 toolchain (swift.org)" >&2; exit 1; }
cd "$ROOT"

echo "building mailconf ($CONFIGURATION; a first release build takes about 10 minutes on 2 cores)…" >&2
swift build -c "$CONFIGURATION" --product mailconf >&2
BIN="$(swift build -c "$CONFIGURATION" --show-bin-path)/mailconf"
echo "generating the man pages…" >&2
swift package generate-manual --multi-page --configuration "$CONFIGURATION" --date "$(date -u +%Y-%m-%d)" >&2
MANUALS="$ROOT/.build/plugins/GenerateManual/outputs/mailconf"
[ -f "$MANUALS/mailconf.1" ] || { echo "the manual generator wrote no mailconf.1 into $MANUALS" >&2; exit 1; }

TARGET="$DESTDIR$PREFIX"
install -d "$TARGET/bin" "$TARGET/share/man/man1" "$TARGET/share/bash-completion/completions" \
    "$TARGET/share/zsh/vendor-completions" "$TARGET/share/fish/vendor_completions.d" "$TARGET/lib/systemd/system"
install -m 0755 "$BIN" "$TARGET/bin/mailconf"
for page in "$MANUALS"/*.1; do
    # The generator leaves the help's blank lines in; in mdoc a paragraph is .Pp.
    sed 's/^$/.Pp/' "$page" | gzip -9n > "$TARGET/share/man/man1/$(basename "$page").gz"
    chmod 0644 "$TARGET/share/man/man1/$(basename "$page").gz"
done
"$BIN" --generate-completion-script bash > "$TARGET/share/bash-completion/completions/mailconf"
"$BIN" --generate-completion-script zsh > "$TARGET/share/zsh/vendor-completions/_mailconf"
"$BIN" --generate-completion-script fish > "$TARGET/share/fish/vendor_completions.d/mailconf.fish"
sed "s|@BINDIR@|$PREFIX/bin|g" "$ROOT/deploy/mailconf.service" > "$TARGET/lib/systemd/system/mailconf.service"
chmod 0644 "$TARGET/share/bash-completion/completions/mailconf" "$TARGET/share/zsh/vendor-completions/_mailconf" \
    "$TARGET/share/fish/vendor_completions.d/mailconf.fish" "$TARGET/lib/systemd/system/mailconf.service"

pages=$(ls "$MANUALS"/*.1 | wc -l)
echo "installed into $TARGET: bin/mailconf, $pages man pages, bash/zsh/fish completions, lib/systemd/system/mailconf.service"
if [ -z "$DESTDIR" ]; then
    echo "next: sudo systemctl daemon-reload && sudo systemctl enable --now mailconf (see the unit's comments for the catalog and https)"
fi
