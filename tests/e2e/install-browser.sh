#!/bin/sh
# Debian's Chromium for the browser tests; `playwright install` cannot fetch
# its own builds here, so the tests drive the distribution's binary instead.
set -eu
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends chromium
