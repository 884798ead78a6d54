#!/usr/bin/env bash
# Start a throwaway redis-server for the queue (tests, benchmark, trying workers by hand): installs the
# Debian package when it is missing, listens on 127.0.0.1:PORT (default 6390), keeps nothing on disk.
# Prints the queue URL. Stop it with: kill "$(cat "$DIR/redis.pid")".
set -euo pipefail
PORT="${1:-6390}"
DIR="${REDIS_DIR:-$(mktemp -d -t embedtrail-redis-XXXXXX)}"
if ! command -v redis-server >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq redis-server >/dev/null
fi
redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$DIR" \
    --daemonize yes --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log"
for _ in $(seq 50); do
    if redis-cli -p "$PORT" ping >/dev/null 2>&1; then
        echo "redis://127.0.0.1:$PORT/0"
        exit 0
    fi
    sleep 0.1
done
echo "redis-server did not start; see $DIR/redis.log" >&2
exit 1
