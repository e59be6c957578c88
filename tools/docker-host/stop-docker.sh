#!/usr/bin/env bash
# Stops the dockerd that ensure-docker.sh started with the same STATE_DIR, and only that
# one: a dockerd that was already running before stays up.
# Usage: tools/docker-host/stop-docker.sh [STATE_DIR]   (default: $TMPDIR/k8s-sec-lab-docker)
set -euo pipefail

state_dir=${1:-${TMPDIR:-/tmp}/k8s-sec-lab-docker}
pid_file="$state_dir/dockerd.pid"
log() { echo "[docker-host] $*" >&2; }

[ -f "$pid_file" ] || exit 0
pid=$(cat "$pid_file")
rm -f "$pid_file"
# The pid must still be the dockerd we started, not a recycled number.
if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != dockerd ]; then
  exit 0
fi
log "stopping the dockerd this run started (pid $pid)"
kill -TERM "$pid"
for _ in $(seq 1 30); do
  kill -0 "$pid" 2>/dev/null || exit 0
  sleep 1
done
log "dockerd (pid $pid) did not stop within 30 s: killing it"
kill -KILL "$pid" 2>/dev/null || true
