#!/bin/sh
# Installs Debian's chromium for the browser tests (tests/test_browser.py), which drive it through
# Playwright with executable_path=/usr/bin/chromium. Playwright's own browser download is never used:
# test machines have no route to its CDN, but they do have the Debian mirror.
# No-op when /usr/bin/chromium already exists; exits non-zero when it cannot install (e.g. not root).
set -eu

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        echo "install-browser: $CHROMIUM is missing and installing it needs root" >&2
        exit 1
    fi
else
    SUDO=""
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-browser: no apt-get; install chromium so that $CHROMIUM exists" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium
test -x "$CHROMIUM"
