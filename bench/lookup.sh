#!/usr/bin/env bash
# Median in-process lookup of a provider by mail domain over 10,000 lookups (target < 50 µs).
source "$(dirname "$0")/common.sh"
build_release mailconf-bench
tmp=$(mktemp -d)
if [ -d "$ISPDB" ]; then "$BIN/mailconf-bench" lookup "$tmp/c.sqlite" "$ISPDB"; else "$BIN/mailconf-bench" lookup "$tmp/c.sqlite"; fi
