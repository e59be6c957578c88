// Command coredns is CoreDNS v1.14.2 with only the plugins a kind cluster's
// DNS uses: the ones kubeadm's default Corefile names, plus log, hosts,
// template and rewrite for tests that replace the upstream with local
// answers. Upstream's main imports every plugin (core/plugin), including the
// cloud DNS providers, whose SDKs dominate a cold compile; the plugin chain
// order still comes from upstream's dnsserver.Directives, so each plugin
// behaves exactly as in the upstream binary.
package main

import (
	"github.com/coredns/coredns/coremain"

	// kubeadm's default Corefile (cmd/kubeadm/app/phases/addons/dns/manifests.go).
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/forward"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/loadbalance"
	_ "github.com/coredns/coredns/plugin/loop"
	_ "github.com/coredns/coredns/plugin/metrics" // the "prometheus" directive
	_ "github.com/coredns/coredns/plugin/ready"
	_ "github.com/coredns/coredns/plugin/reload"

	// Common edits of that Corefile.
	_ "github.com/coredns/coredns/plugin/hosts"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/rewrite"
	_ "github.com/coredns/coredns/plugin/template"
)

func main() {
	coremain.Run()
}
