#!/bin/sh
# The browser tests drive Debian's Chromium (Playwright cannot download its own here).
# Fails loudly when Chromium is missing and cannot be installed: browser tests never skip.
set -eu
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
echo "Installing Debian's chromium for the browser tests..."
if [ "$(id -u)" = 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "error: /usr/bin/chromium is missing and this user cannot apt-get install it." >&2
    echo "Install it with: apt-get install chromium" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
test -x /usr/bin/chromium
