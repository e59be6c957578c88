// Command testplane is one multi-call binary holding the Kubernetes
// components: etcd, kube-apiserver, kube-controller-manager, kube-scheduler
// and kubectl for the integration tests' control plane, plus kube-proxy,
// kubelet and kubeadm for the kind node image (tools/kind-node), so Go
// compiles Kubernetes once for both. It dispatches on the name it was invoked
// as (a symlink such as bin/kubectl) or, failing that, on its first argument.
// Each component runs as its own process because upstream components keep
// process-global state. Each entry mirrors the upstream cmd/<name> main.
package main

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	_ "time/tzdata" // CronJob time zones, as in the upstream mains

	"go.etcd.io/etcd/server/v3/etcdmain"
	"k8s.io/component-base/cli"
	"k8s.io/component-base/logs"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	kubectlcmd "k8s.io/kubectl/pkg/cmd"
	kubectlutil "k8s.io/kubectl/pkg/cmd/util"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	proxy "k8s.io/kubernetes/cmd/kube-proxy/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
	kubeadm "k8s.io/kubernetes/cmd/kubeadm/app"
	kubeadmerrors "k8s.io/kubernetes/cmd/kubeadm/app/util/errors"
	kubelet "k8s.io/kubernetes/cmd/kubelet/app"
)

var components = map[string]func(args []string) int{
	"etcd": func(args []string) int {
		etcdmain.Main(args)
		return 0
	},
	"kube-apiserver": func([]string) int {
		return cli.Run(apiserver.NewAPIServerCommand())
	},
	"kube-controller-manager": func([]string) int {
		return cli.Run(controllermanager.NewControllerManagerCommand())
	},
	"kube-scheduler": func([]string) int {
		return cli.Run(scheduler.NewSchedulerCommand())
	},
	"kube-proxy": func([]string) int {
		return cli.Run(proxy.NewProxyCommand())
	},
	"kubelet": func([]string) int {
		return cli.Run(kubelet.NewKubeletCommand(context.Background()))
	},
	"kubeadm": func([]string) int {
		kubeadmerrors.HandleError(kubeadm.Run()) // exits non-zero itself on error
		return 0
	},
	"kubectl": func(args []string) int {
		logs.GlogSetter(kubectlcmd.GetLogVerbosity(args)) //nolint:errcheck
		if err := cli.RunNoErrOutput(kubectlcmd.NewDefaultKubectlCommand()); err != nil {
			kubectlutil.CheckErr(err)
		}
		return 0
	},
}

func main() {
	name := strings.TrimSuffix(filepath.Base(os.Args[0]), ".exe")
	if _, ok := components[name]; !ok && len(os.Args) > 1 {
		// Called as "testplane <component> args...": shift so the component
		// sees the argv it would see as its own binary.
		name = os.Args[1]
		os.Args = os.Args[1:]
	}
	run, ok := components[name]
	if !ok {
		names := slices.Sorted(maps.Keys(components))
		fmt.Fprintf(os.Stderr, "usage: testplane <%s> [args...]\n", strings.Join(names, "|"))
		os.Exit(2)
	}
	os.Exit(run(os.Args))
}
