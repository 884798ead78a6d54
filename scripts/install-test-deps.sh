#!/bin/sh
# Installs the Debian packages the test suite drives for real, when they are missing: chromium (the
# browser test, through Playwright with executable_path=/usr/bin/chromium), redis-server (the scale-out
# queue tests), wget (a real capture tool writing a WARC) and npm (to fetch ReplayWeb.page, below). One apt-get run for all of them; a no-op
# when everything is present. Without root (or apt-get) it says what is missing and exits 0: the tests
# that need a missing program install it themselves or skip with that reason.
set -eu

# ReplayWeb.page (npm package replaywebpage, pinned by version and sha256), which the export test opens a WACZ
# in: fetched once into build/, where tests/test_replay.py looks for it. Needs npm (installed below if absent).
REPLAY_VERSION=2.5.3
REPLAY_SHA256=b7d35c39c4da9b7121c5a393911d8675d4cc6f19513c380191e16b086bea812c
REPLAY_DIR="build/replaywebpage-$REPLAY_VERSION"
fetch_replay() {
    [ -f "$REPLAY_DIR/package/sw.js" ] && return 0
    command -v npm >/dev/null 2>&1 || return 0
    mkdir -p "$REPLAY_DIR"
    tarball="$REPLAY_DIR/replaywebpage-$REPLAY_VERSION.tgz"
    (cd "$REPLAY_DIR" && npm pack --silent "replaywebpage@$REPLAY_VERSION" >/dev/null 2>&1) || {
        echo "install-test-deps: could not fetch replaywebpage $REPLAY_VERSION from npm" >&2; return 0; }
    if ! echo "$REPLAY_SHA256  $tarball" | sha256sum -c --status; then
        echo "install-test-deps: replaywebpage $REPLAY_VERSION does not match its pinned sha256" >&2
        rm -f "$tarball"; return 0
    fi
    tar xzf "$tarball" -C "$REPLAY_DIR"
}

missing=""
command -v npm >/dev/null 2>&1 || missing="$missing npm"
[ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v redis-server >/dev/null 2>&1 || missing="$missing redis-server"
command -v wget >/dev/null 2>&1 || missing="$missing wget"
[ -n "$missing" ] || { fetch_replay; exit 0; }

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "install-test-deps: missing$missing (needs root to install); the tests that need them will skip" >&2
    fetch_replay
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-test-deps: missing$missing and no apt-get" >&2
    fetch_replay
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null || \
    echo "install-test-deps: could not install$missing" >&2
fetch_replay
exit 0
