#!/bin/sh
# Points the node's route for one address (ROUTED_ADDRESS) at this add-on's pod.
# Shared by the lab add-ons that play an address outside the cluster: the IMDS
# emulator (169.254.169.254) and the payment acquirer (203.0.113.10).
#
# Run it in the NODE's network namespace with the pod's IP in POD_IP:
#   nsenter -t 1 -n sh node-route.sh keep    re-assert the route every 10 s;
#                                             on SIGTERM remove it if it is still ours
#   nsenter -t 1 -n sh node-route.sh check   exit 0 only if the route points at us
# `nsenter -n` switches only the network namespace, so this shell and its `ip` are
# the container's (busybox), while the routes they read and write are the node's.
#
# The add-on listens on the address in its own pod network namespace, one routed hop
# away from the node: the node FORWARDS pod traffic to it with the destination
# unchanged (no DNAT), so NetworkPolicy judges it as traffic to that address, and the
# IP TTL (the IMDSv2 hop limit) is decremented on the way.
#
# A second route, "unreachable" at a worse metric, stays on the node for good: when
# the add-on's route is gone (pod restarting, add-on removed; the kernel also drops
# a route whose veth disappears), the address must fail fast instead of following
# the node's default route out of the machine running kind (which, for
# 169.254.169.254 on a cloud VM, is a real metadata service with real credentials).
set -u

CHECK_INTERVAL_SECONDS=10
BACKSTOP_METRIC=65535

route_is_ours() {
  ip route show "$ROUTED_ADDRESS/32" | grep -qF "$ROUTED_ADDRESS via $POD_IP dev "
}

point_route_at_pod() {
  # The node reaches the pod through the host side of its veth pair.
  veth=$(ip route get "$POD_IP" | awk '{ for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit } }')
  if [ -z "$veth" ]; then
    echo "node-route: the node has no route to this pod ($POD_IP); retrying" >&2
    return 1
  fi
  # onlink: the pod IP is a host route on the veth, not a subnet the kernel
  # would otherwise accept as a gateway.
  ip route replace "$ROUTED_ADDRESS/32" via "$POD_IP" dev "$veth" onlink &&
    echo "node-route: $ROUTED_ADDRESS/32 via $POD_IP dev $veth onlink"
}

remove_route_if_ours() {
  # A newer pod of the add-on may already own the route; leave it alone then.
  if route_is_ours; then
    ip route del "$ROUTED_ADDRESS/32" via "$POD_IP" && echo "node-route: removed $ROUTED_ADDRESS/32"
  fi
}

ensure_backstop() {
  ip route replace unreachable "$ROUTED_ADDRESS/32" metric "$BACKSTOP_METRIC"
}

keep() {
  sleeper=
  trap 'kill "$sleeper" 2>/dev/null; remove_route_if_ours; exit 0' TERM INT
  while true; do
    ensure_backstop
    route_is_ours || point_route_at_pod
    sleep "$CHECK_INTERVAL_SECONDS" &
    sleeper=$!
    wait "$sleeper"
  done
}

if [ -z "${POD_IP:-}" ]; then
  echo "node-route: POD_IP is not set (give it the pod's status.podIP)" >&2
  exit 2
fi
case "${ROUTED_ADDRESS:-}" in
  *[!0-9.]* | "")
    echo "node-route: ROUTED_ADDRESS must be the IPv4 address to route to this pod (got '${ROUTED_ADDRESS:-}')" >&2
    exit 2
    ;;
esac

case "${1:-}" in
  keep) keep ;;
  check) route_is_ours ;;
  *)
    echo "usage: node-route.sh keep|check" >&2
    exit 2
    ;;
esac
