#!/bin/sh
# Installs the Debian packages the test suite drives for real, when they are missing: chromium (the
# browser test, through Playwright with executable_path=/usr/bin/chromium), redis-server (the scale-out
# queue tests) and wget (a real capture tool writing a WARC). One apt-get run for all of them; a no-op
# when everything is present. Without root (or apt-get) it says what is missing and exits 0: the tests
# that need a missing program install it themselves or skip with that reason.
set -eu

missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v redis-server >/dev/null 2>&1 || missing="$missing redis-server"
command -v wget >/dev/null 2>&1 || missing="$missing wget"
[ -n "$missing" ] || exit 0

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "install-test-deps: missing$missing (needs root to install); the tests that need them will skip" >&2
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-test-deps: missing$missing and no apt-get" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null || \
    echo "install-test-deps: could not install$missing" >&2
exit 0
