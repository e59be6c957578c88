#!/usr/bin/env bash
# The host's last line of "no packet leaves the machine" for the kind lane: every packet
# that the host would route from the kind docker network to any other interface is dropped
# and counted, in a chain of its own that DOCKER-USER jumps to.
#
# Stricter than "not the node, pod or service CIDR": a pod that dials a Service IP before
# kube-proxy has written its DNAT rules (the first smoke run's 10.96.0.1 packet) sends it to
# the node's default route, i.e. out of the machine; it is dropped and counted here too.
# Traffic between nodes, and between pods on different nodes, stays on the bridge and never
# crosses FORWARD to another interface; the host's own connections (the API server's
# published port, docker exec) are INPUT/OUTPUT, not FORWARD.
#
# Usage: tools/docker-host/egress-guard.sh install [NETWORK]   creates NETWORK (default kind) when
#                                                              missing, then guards its bridge
#        tools/docker-host/egress-guard.sh count               dropped packets since install
#        tools/docker-host/egress-guard.sh remove              the rules (the network stays)
set -euo pipefail

chain=K8S-SEC-LAB-EGRESS
log() { echo "[egress-guard] $*" >&2; }

bridge_of() {
  local id
  id=$(docker network inspect --format '{{.Id}}' "$1")
  local named
  named=$(docker network inspect --format '{{index .Options "com.docker.network.bridge.name"}}' "$1")
  if [ -n "$named" ]; then echo "$named"; else echo "br-${id:0:12}"; fi
}

# The options kind itself gives its network, IPv4 only: no IPv6 route may exist to leak by.
ensure_network() {
  docker network inspect "$1" >/dev/null 2>&1 && return
  log "creating docker network $1 (IPv4 only), so it is guarded before any node starts"
  docker network create --driver bridge \
    -o com.docker.network.bridge.enable_ip_masquerade=true \
    -o com.docker.network.driver.mtu=1500 "$1" >/dev/null
}

remove_rules() {
  while iptables -D DOCKER-USER -j "$chain" 2>/dev/null; do :; done
  iptables -F "$chain" 2>/dev/null || true
  iptables -X "$chain" 2>/dev/null || true
}

case "${1:-}" in
  install)
    network=${2:-kind}
    ensure_network "$network"
    bridge=$(bridge_of "$network")
    if docker network inspect --format '{{.EnableIPv6}}' "$network" | grep -q true; then
      log "docker network $network has IPv6 enabled; the guard covers IPv4 only: recreate it without IPv6 (docker network rm $network)"
      exit 1
    fi
    remove_rules
    iptables -N "$chain"
    iptables -A "$chain" -i "$bridge" -o "$bridge" -j RETURN
    # Logged (rate-limited) so that a drop names its source and destination: dmesg | grep 'k8s-sec-lab egress'.
    iptables -A "$chain" -i "$bridge" -m limit --limit 20/min -j LOG --log-prefix 'k8s-sec-lab egress: '
    iptables -A "$chain" -i "$bridge" -j DROP
    iptables -I DOCKER-USER 1 -j "$chain"
    log "dropping and counting every packet routed from $network ($bridge) to another interface"
    ;;
  count)
    # The DROP rule's packet counter; the chain missing is an error, not zero.
    iptables -L "$chain" -v -x -n | awk '$3 == "DROP" { print $1; found = 1 } END { exit !found }'
    ;;
  remove)
    remove_rules
    ;;
  *)
    echo "usage: $0 install [NETWORK] | count | remove" >&2
    exit 2
    ;;
esac
