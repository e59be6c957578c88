import { fileURLToPath } from 'node:url';

/**
 * Fixes replayed on the real cluster, per scenario: wrong ones an expert
 * expects learners to try (each must fail) and a correct one written
 * differently from the reference solution (it must pass). The test plane
 * proves many more of each at the API level; these are the ones whose
 * verdict also depends on what really runs: probes, rollouts, enforcement.
 * Each `run` is a shell command as a learner would type it.
 */
export interface KindFix {
  name: string;
  run: string;
  /** Checks that must fail for a wrong fix (others may fail too). */
  failing?: string[];
}

export interface KindFixes {
  wrong: KindFix[];
  alternative: KindFix;
  /** A command the learner leaves running while they check (port-forward), started after the fix. */
  background?: string;
}

const fixture = (path: string) => fileURLToPath(new URL(`../fixtures/scenarios/${path}`, import.meta.url));

export const kindFixes: Record<string, KindFixes> = {
  'privileged-pod': {
    wrong: [
      {
        name: 'only the namespace labelled: the running agent keeps its privileges',
        run: 'kubectl label --overwrite namespace node-monitoring pod-security.kubernetes.io/enforce=restricted',
        failing: ['agent-pods-restricted', 'node-escape-blocked'],
      },
      {
        name: 'privileged dropped, hostPID and the hostPath mount kept',
        run: `kubectl -n node-monitoring patch daemonset node-agent --type=json -p '[{"op": "replace", "path": "/spec/template/spec/containers/0/securityContext/privileged", "value": false}]' && kubectl -n node-monitoring rollout status daemonset/node-agent --timeout=180s`,
        failing: ['agent-pods-restricted', 'node-escape-blocked'],
      },
    ],
    alternative: {
      name: 'the hint ladder: a JSON patch of the pod template, then kubectl label',
      run: [
        `kubectl -n node-monitoring patch daemonset node-agent --type=json -p '[{"op": "remove", "path": "/spec/template/spec/hostPID"}, {"op": "remove", "path": "/spec/template/spec/volumes/1"}, {"op": "remove", "path": "/spec/template/spec/containers/0/volumeMounts/1"}, {"op": "add", "path": "/spec/template/spec/securityContext", "value": {"runAsNonRoot": true, "runAsUser": 65534, "runAsGroup": 65534, "seccompProfile": {"type": "RuntimeDefault"}}}, {"op": "replace", "path": "/spec/template/spec/containers/0/securityContext", "value": {"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true, "capabilities": {"drop": ["ALL"]}}}]'`,
        'kubectl -n node-monitoring rollout status daemonset/node-agent --timeout=180s',
        'kubectl label --overwrite namespace node-monitoring pod-security.kubernetes.io/enforce=restricted',
      ].join(' && '),
    },
  },
  'missing-networkpolicy': {
    wrong: [
      {
        name: 'a policy for every pod that allows everything in and out',
        run: `kubectl apply -f - <<'EOF'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: allow-all, namespace: shop }
spec: { podSelector: {}, policyTypes: [Ingress, Egress], ingress: [{}], egress: [{}] }
EOF`,
        failing: ['ci-runner-blocked-live'],
      },
      {
        name: 'deny everything in shop: the attack stops, and so does the shop',
        run: `kubectl apply -f - <<'EOF'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny-all, namespace: shop }
spec: { podSelector: {}, policyTypes: [Ingress, Egress] }
EOF`,
        failing: ['storefront-works-live'],
      },
    ],
    alternative: {
      name: 'peers pinned by kubernetes.io/metadata.name, named ports, a default deny per direction (kubectl create)',
      run: `kubectl create -f ${fixture('missing-networkpolicy/namespace-pinned-named-ports.yaml')}`,
    },
  },
  'imds-escape': {
    wrong: [
      {
        name: 'tokens required, hop limit left at 2: the token still reaches the pod',
        run: `kubectl -n k8s-sec-lab-system patch configmap imds-settings --type merge -p '{"data":{"http-tokens":"required"}}'`,
        failing: ['credentials-out-of-reach', 'attack-gets-no-credentials'],
      },
      {
        name: 'deny all egress in payments: the attack stops, and so does the relay',
        run: `kubectl apply -f - <<'EOF'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny-all-egress, namespace: payments }
spec: { podSelector: {}, policyTypes: [Egress] }
EOF`,
        failing: ['relay-healthy'],
      },
    ],
    alternative: {
      name: 'the node side only: IMDSv2 required with a hop limit of 1, no NetworkPolicy',
      run: `kubectl -n k8s-sec-lab-system patch configmap imds-settings --type merge -p '{"data":{"http-tokens":"required","http-put-response-hop-limit":"1"}}'`,
    },
  },
  'kubectl-proxy-vs-port-forward': {
    wrong: [
      {
        name: 'the proxy on 127.0.0.1, still cluster-admin',
        run: `kubectl -n ops patch deployment jump-box --type=json -p '[{"op": "replace", "path": "/spec/template/spec/containers/0/args", "value": ["proxy", "--port=8001", "--address=127.0.0.1"]}]' && kubectl -n ops rollout status deployment/jump-box --timeout=180s`,
        failing: ['proxy-account-cannot-read-secrets'],
      },
      {
        name: 'only the Service deleted: the proxy still listens on its pod IP as cluster-admin',
        run: 'kubectl -n ops delete service jump-box',
        failing: ['no-open-proxy', 'proxy-account-cannot-read-secrets'],
      },
    ],
    alternative: {
      name: 'the proxy, its Service and its binding deleted with kubectl',
      run: 'kubectl -n ops delete deployment,service jump-box && kubectl delete clusterrolebinding jump-box-cluster-admin',
    },
    background: 'kubectl -n ops port-forward svc/dashboard 8080:80',
  },
};
