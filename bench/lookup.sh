#!/usr/bin/env bash
# Median in-process lookup of a provider by mail domain over 10,000 lookups (target < 50 µs).
source "$(dirname "$0")/common.sh"
build_release mailconf-lookup-bench
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
if [ -d "$ISPDB" ]; then "$BIN/mailconf-lookup-bench" "$tmp/c.sqlite" "$ISPDB"; else "$BIN/mailconf-lookup-bench" "$tmp/c.sqlite"; fi
