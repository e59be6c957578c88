// Command kindhere-cni is the pod network of the lab's kind node image, with the
// data path kindnet has: every node's pods get the node's spec.podCIDR through the
// ptp + host-local + portmap CNI plugins, each node routes the other nodes' pod
// CIDRs via their InternalIP (all nodes share one docker bridge, so no overlay),
// and one MASQUERADE rule lets pods reach addresses outside the pod network
// without hiding pod IPs from each other (NetworkPolicy needs them).
// NetworkPolicy itself is kube-network-policies, in the same pod.
//
// It runs in a hostNetwork DaemonSet (kube-system/kindhere-net) and takes
// NODE_NAME, POD_SUBNET and optionally CONTROL_PLANE_ENDPOINT (host:port, which
// kind adds so the API is reachable before kube-proxy programs the Service IP).
// It hands that endpoint to the netpol container through API_ENDPOINT_FILE:
// kind patches only the first container, and before kube-proxy runs, the
// Service IP would follow the node's default route off the machine.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/klog/v2"
)

const (
	conflistPath = "/etc/cni/net.d/10-kindhere.conflist"
	// routeProtocol marks the routes this program owns, so routes to nodes that
	// left are found and removed, and nobody else's routes are touched.
	routeProtocol = netlink.RouteProtocol(107)
	resyncPeriod  = 30 * time.Second
)

func main() {
	nodeName, podSubnet := os.Getenv("NODE_NAME"), os.Getenv("POD_SUBNET")
	if nodeName == "" || podSubnet == "" {
		klog.Exit("NODE_NAME and POD_SUBNET must be set (the DaemonSet sets them)")
	}
	if _, _, err := net.ParseCIDR(podSubnet); err != nil {
		klog.Exitf("POD_SUBNET %q is not a CIDR: %v", podSubnet, err)
	}
	config, err := rest.InClusterConfig()
	if err != nil {
		klog.Exitf("reading the in-cluster API config: %v", err)
	}
	endpoint := os.Getenv("CONTROL_PLANE_ENDPOINT")
	if endpoint != "" {
		config.Host = "https://" + endpoint
	}
	if file := os.Getenv("API_ENDPOINT_FILE"); file != "" {
		if err := writeAtomically(file, []byte(endpoint+"\n")); err != nil {
			klog.Exitf("handing the API endpoint to the netpol container: %v", err)
		}
	}
	client := kubernetes.NewForConfigOrDie(config)

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := ensureMasquerade(podSubnet); err != nil {
		klog.Exitf("installing the MASQUERADE rule: %v", err)
	}
	if err := ensureUnreachable(podSubnet); err != nil {
		klog.Exitf("closing the pod network's routing: %v", err)
	}
	// Before the CNI config exists no pod starts, so no pod ever sees a window without it.
	for {
		err := rejectUntranslatedServiceIPs(ctx, client)
		if err == nil {
			break
		}
		klog.Errorf("rejecting untranslated Service IPs: %v (retrying)", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(2 * time.Second):
		}
	}

	factory := informers.NewSharedInformerFactory(client, resyncPeriod)
	nodes := factory.Core().V1().Nodes()
	changed := make(chan struct{}, 1)
	poke := func(any) {
		select {
		case changed <- struct{}{}:
		default: // a sync is already pending; it will see this change too
		}
	}
	if _, err := nodes.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: poke, UpdateFunc: func(_, n any) { poke(n) }, DeleteFunc: poke,
	}); err != nil {
		klog.Exitf("watching nodes: %v", err)
	}
	factory.Start(ctx.Done())
	factory.WaitForCacheSync(ctx.Done())
	klog.Infof("kindhere-cni on node %s, pod subnet %s", nodeName, podSubnet)

	for {
		select {
		case <-ctx.Done():
			return
		case <-changed:
		}
		list, err := nodes.Lister().List(labels.Everything())
		if err == nil {
			err = sync(nodeName, list)
		}
		if err != nil {
			klog.Errorf("sync: %v (retrying)", err)
			time.AfterFunc(2*time.Second, func() { poke(nil) })
		}
	}
}

// ensureUnreachable routes the whole pod network nowhere, beneath the more
// specific routes to this node's pods (/32, from ptp) and to the other nodes'
// pod CIDRs. Without it a packet for a pod IP no node routes (a pod just
// deleted, whose API server replies still arrive; a CIDR not yet routed)
// follows the node's default route off the machine; the e2e egress guard
// counted exactly those.
func ensureUnreachable(podSubnet string) error {
	_, cidr, err := net.ParseCIDR(podSubnet)
	if err != nil {
		return err
	}
	route := netlink.Route{Dst: cidr, Type: unix.RTN_UNREACHABLE, Protocol: routeProtocol}
	if err := netlink.RouteReplace(&route); err != nil {
		return fmt.Errorf("ip route replace unreachable %s: %w", cidr, err)
	}
	unreachableSubnet = cidr.String()
	return nil
}

// unreachableSubnet is the route ensureUnreachable owns, which sync keeps.
var unreachableSubnet string

// sync writes this node's CNI config and routes every other node's pod CIDR.
func sync(nodeName string, nodes []*v1.Node) error {
	wanted := map[string]bool{unreachableSubnet: true}
	for _, node := range nodes {
		if node.Spec.PodCIDR == "" {
			continue // the controller manager has not allocated one yet
		}
		if node.Name == nodeName {
			if err := writeConflist(node.Spec.PodCIDR); err != nil {
				return err
			}
			continue
		}
		ip := internalIP(node)
		_, cidr, err := net.ParseCIDR(node.Spec.PodCIDR)
		if ip == nil || err != nil || cidr.IP.To4() == nil {
			continue // IPv4 only, like the rest of this network
		}
		route := netlink.Route{Dst: cidr, Gw: ip, Protocol: routeProtocol}
		if err := netlink.RouteReplace(&route); err != nil {
			return fmt.Errorf("ip route replace %s via %s (node %s): %w", cidr, ip, node.Name, err)
		}
		wanted[cidr.String()] = true
	}
	ours, err := netlink.RouteListFiltered(netlink.FAMILY_V4, &netlink.Route{Protocol: routeProtocol}, netlink.RT_FILTER_PROTOCOL)
	if err != nil {
		return fmt.Errorf("listing routes: %w", err)
	}
	for _, route := range ours {
		if route.Dst != nil && !wanted[route.Dst.String()] {
			klog.Infof("removing the route to %s: no node has that pod CIDR any more", route.Dst)
			if err := netlink.RouteDel(&route); err != nil {
				return fmt.Errorf("ip route del %s: %w", route.Dst, err)
			}
		}
	}
	return nil
}

func internalIP(node *v1.Node) net.IP {
	for _, address := range node.Status.Addresses {
		if ip := net.ParseIP(address.Address); address.Type == v1.NodeInternalIP && ip.To4() != nil {
			return ip
		}
	}
	return nil
}

// writeConflist writes the plugin chain kindnet writes (ptp + host-local + portmap),
// atomically and only when it changes: the kubelet marks the node Ready once it exists.
func writeConflist(podCIDR string) error {
	mtu := 1500
	if link, err := netlink.LinkByName("eth0"); err == nil {
		mtu = link.Attrs().MTU
	}
	conflist := map[string]any{
		"cniVersion": "1.0.0",
		"name":       "kindhere",
		"plugins": []any{
			map[string]any{
				"type": "ptp", "ipMasq": false, "mtu": mtu,
				"ipam": map[string]any{
					"type":    "host-local",
					"dataDir": "/run/cni-ipam-state",
					"routes":  []any{map[string]any{"dst": "0.0.0.0/0"}},
					"ranges":  []any{[]any{map[string]any{"subnet": podCIDR}}},
				},
			},
			map[string]any{"type": "portmap", "capabilities": map[string]any{"portMappings": true}},
		},
	}
	data, err := json.MarshalIndent(conflist, "", "  ")
	if err != nil {
		return err
	}
	if current, err := os.ReadFile(conflistPath); err == nil && bytes.Equal(current, data) {
		return nil
	}
	if err := writeAtomically(conflistPath, data); err != nil {
		return err
	}
	klog.Infof("wrote %s for pod CIDR %s (MTU %d)", conflistPath, podCIDR, mtu)
	return nil
}

// writeAtomically writes a file next to its final name and renames it, so
// readers (the kubelet, the netpol container) never see half of it.
func writeAtomically(path string, data []byte) error {
	scratch := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	if err := os.WriteFile(scratch, data, 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(scratch, path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// ensureMasquerade adds the one NAT rule, in the iptables mode the node uses.
func ensureMasquerade(podSubnet string) error {
	return ensureRule("nat", []string{"POSTROUTING", "-s", podSubnet, "!", "-d", podSubnet, "-j", "MASQUERADE",
		"-m", "comment", "--comment", "kindhere-net: pods to outside the pod network"})
}

// rejectUntranslatedServiceIPs refuses, in the filter table of FORWARD and
// OUTPUT, packets whose destination is still a Service IP: the nat table has
// already run there, so kube-proxy's DNAT has rewritten every Service it
// knows. What is left is a Service nothing translated, typically every
// Service while kube-proxy has not synced yet; without this rule those
// packets follow the node's default route off the machine (the e2e egress
// guard counted pods dialling 10.96.0.1:443 on a slow start). The Service
// CIDRs come from the API's ServiceCIDR objects, which the API server keeps.
func rejectUntranslatedServiceIPs(ctx context.Context, client kubernetes.Interface) error {
	cidrs, err := client.NetworkingV1().ServiceCIDRs().List(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Errorf("listing ServiceCIDRs: %w", err)
	}
	found := 0
	for _, serviceCIDR := range cidrs.Items {
		for _, cidr := range serviceCIDR.Spec.CIDRs {
			if ip, _, err := net.ParseCIDR(cidr); err != nil || ip.To4() == nil {
				continue // IPv4 only, like the rest of this network
			}
			found++
			for _, chain := range []string{"FORWARD", "OUTPUT"} {
				if err := ensureRule("filter", []string{chain, "-d", cidr, "-j", "REJECT",
					"-m", "comment", "--comment", "kindhere-net: a Service IP nothing translated must not leave the node"}); err != nil {
					return err
				}
			}
		}
	}
	if found == 0 {
		return fmt.Errorf("no IPv4 ServiceCIDR yet")
	}
	return nil
}

// ensureRule appends an iptables rule unless it is there, in the mode the node uses.
func ensureRule(table string, rule []string) error {
	iptables := "iptables-" + iptablesMode()
	if exec.Command(iptables, append([]string{"-w", "-t", table, "-C"}, rule...)...).Run() == nil {
		return nil
	}
	if out, err := exec.Command(iptables, append([]string{"-w", "-t", table, "-A"}, rule...)...).CombinedOutput(); err != nil {
		return fmt.Errorf("%s -t %s -A %s: %v: %s", iptables, table, strings.Join(rule, " "), err, out)
	}
	klog.Infof("%s -t %s: added %s", iptables, table, strings.Join(rule, " "))
	return nil
}

// iptablesMode picks legacy or nft as kind's node entrypoint does: whichever
// already holds more rules (legacy on a tie).
func iptablesMode() string {
	count := func(commands ...string) int {
		rules := 0
		for _, command := range commands {
			out, _ := exec.Command(command).Output()
			for _, line := range strings.Split(string(out), "\n") {
				if strings.HasPrefix(line, "-") {
					rules++
				}
			}
		}
		return rules
	}
	if count("iptables-legacy-save", "ip6tables-legacy-save") >= count("iptables-nft-save", "ip6tables-nft-save") {
		return "legacy"
	}
	return "nft"
}
