#!/usr/bin/env bash
# Makes Docker usable on this machine for the kind lane (tools/kind-node, the e2e tests):
# installs what is missing with apt, works around a capability bounding set without
# CAP_SYS_RESOURCE, raises the inotify limits kind needs, and starts dockerd when none
# answers (PID 1 may not be systemd). It records what it started in STATE_DIR so that
# stop-docker.sh stops exactly that and nothing else.
#
# Usage: tools/docker-host/ensure-docker.sh [STATE_DIR]   (default: $TMPDIR/k8s-sec-lab-docker)
# Needs root for the apt, sysctl and dockerd steps; each is skipped when already done.
set -euo pipefail

state_dir=${1:-${TMPDIR:-/tmp}/k8s-sec-lab-docker}
here=$(cd "$(dirname "$0")" && pwd)
log() { echo "[docker-host] $*" >&2; }
mkdir -p "$state_dir"

# The Debian docker client matches Debian's 20.10 daemon; a newer client earlier on PATH
# (such as a docker 28 in /usr/local/bin) negotiates down to the daemon's API version.
docker_works() { docker info >/dev/null 2>&1; }

packages=(debootstrap jq gcc libseccomp-dev patch)
# A machine with its own Docker engine (docker-ce on a CI runner) keeps it: docker.io would conflict with it.
command -v dockerd >/dev/null || docker_works || packages+=(docker.io)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]} with apt"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Bit 24 of the bounding set is CAP_SYS_RESOURCE. Without it runc cannot start a
# container that asks for it, and docker --privileged asks for every capability.
cap_bounding=$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)
if (( (0x$cap_bounding >> 24 & 1) == 0 )); then
  wrapper=/usr/local/sbin/runc-nosysres
  if ! cmp -s "$here/runc-nosysres" "$wrapper"; then
    log "CAP_SYS_RESOURCE is not in the bounding set ($cap_bounding): installing $wrapper as dockerd's default runtime"
    install -D -m 0755 "$here/runc-nosysres" "$wrapper"
  fi
  daemon_json=/etc/docker/daemon.json
  mkdir -p /etc/docker
  [ -s "$daemon_json" ] || echo '{}' >"$daemon_json"
  wanted=$(jq --arg path "$wrapper" '.runtimes["runc-nosysres"].path = $path | .["default-runtime"] = "runc-nosysres"' "$daemon_json")
  if [ "$wanted" != "$(jq . "$daemon_json")" ]; then
    if docker_works; then
      echo "[docker-host] a running dockerd does not use $wrapper yet: update $daemon_json as below and restart dockerd, or stop it and rerun this script" >&2
      echo "$wanted" >&2
      exit 1
    fi
    echo "$wanted" >"$daemon_json"
    log "wrote $daemon_json"
  fi
fi

# kind's known issues: a 3-node cluster runs out of inotify instances at the default 128.
raise_sysctl() {
  local current
  current=$(sysctl -n "$1")
  if [ "$current" -lt "$2" ]; then
    sysctl -q -w "$1=$2" && log "raised $1 from $current to $2"
  fi
}
raise_sysctl fs.inotify.max_user_watches 524288
raise_sysctl fs.inotify.max_user_instances 512

if docker_works; then
  log "dockerd is already running: using it"
  if ! pgrep -a dockerd | grep -q -- '--dns 127.0.0.1' && ! jq -e '.dns == ["127.0.0.1"]' /etc/docker/daemon.json >/dev/null 2>&1; then
    log "warning: that dockerd may forward unknown names off the machine (it was not started with --dns 127.0.0.1); the e2e egress counter will say"
  fi
  exit 0
fi

dockerd_log="$state_dir/dockerd.log"
log "starting dockerd with DNS sunk to the host's 127.0.0.1 (log: $dockerd_log)"
# Its own session, so it outlives this script; not this run's TMPDIR, which is removed at exit.
# --dns 127.0.0.1: docker's embedded DNS forwards names it does not know (CoreDNS's upstream,
# kind's host.docker.internal lookup) from the container's own network namespace, i.e. off the
# machine through the kind bridge; a loopback upstream is asked from the host instead, where
# nothing answers on port 53. Names of the containers themselves still resolve.
env -u TMPDIR setsid dockerd --dns 127.0.0.1 >"$dockerd_log" 2>&1 </dev/null &
echo $! >"$state_dir/dockerd.pid"
for _ in $(seq 1 60); do
  if docker_works; then
    log "dockerd is up ($(docker version --format 'server {{.Server.Version}}, API {{.Server.APIVersion}}'))"
    exit 0
  fi
  if ! kill -0 "$(cat "$state_dir/dockerd.pid")" 2>/dev/null; then
    log "dockerd exited at start; the end of its log:"
    tail -n 30 "$dockerd_log" >&2
    rm -f "$state_dir/dockerd.pid"
    exit 1
  fi
  sleep 1
done
log "dockerd did not answer docker info within 60 s; the end of its log:"
tail -n 30 "$dockerd_log" >&2
exit 1
