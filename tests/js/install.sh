#!/bin/sh
# Installs the pinned npm packages the JavaScript conformance tests use.
# Run by the test suite (tests/api/node.py) before the first Node test; safe to
# run again: npm ci only reinstalls when the lock file changed.
set -eu
cd "$(dirname "$0")"
stamp=node_modules/.installed-lock
if [ -f "$stamp" ] && cmp -s package-lock.json "$stamp"; then
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
cp package-lock.json "$stamp"
