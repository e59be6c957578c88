import { join } from 'node:path';
import { fakeNodeAnnotation } from '../../src/cluster/runtime.js';

/** Where everything of one plane lives: all state in one directory. */
export interface PlaneLayout {
  dir: string;
  bin: string;
  etcdData: string;
  pki: string;
  servingCerts: string;
  logs: string;
  run: string;
  audit: string;
  auditLog: string;
  auditPolicy: string;
  tokenFile: string;
  kwokConfig: string;
  kubeconfig: string;
  testerKubeconfig: string;
  componentKubeconfigs: string;
  state: string;
}

export function planeLayout(dir: string): PlaneLayout {
  return {
    dir,
    bin: join(dir, 'bin'),
    etcdData: join(dir, 'etcd'),
    pki: join(dir, 'pki'),
    servingCerts: join(dir, 'pki', 'serving'),
    logs: join(dir, 'logs'),
    run: join(dir, 'run'),
    audit: join(dir, 'audit'),
    auditLog: join(dir, 'audit', 'audit.log'),
    auditPolicy: join(dir, 'audit', 'policy.yaml'),
    tokenFile: join(dir, 'pki', 'tokens.csv'),
    kwokConfig: join(dir, 'kwok.yaml'),
    kubeconfig: join(dir, 'kubeconfig'),
    testerKubeconfig: join(dir, 'kubeconfig-tester'),
    componentKubeconfigs: join(dir, 'pki', 'kubeconfigs'),
    state: join(dir, 'run', 'plane.json'),
  };
}

export interface PlanePorts {
  etcdClient: number;
  etcdPeer: number;
  apiserver: number;
}

/** Service CIDR as on kind, so in-cluster addresses look familiar. */
export const serviceClusterIPRange = '10.96.0.0/16';
export const podCIDR = '10.244.0.0/16';
export const clusterName = 'k8s-sec-lab-testplane';

export function etcdArgs(layout: PlaneLayout, ports: PlanePorts): string[] {
  const client = `http://127.0.0.1:${ports.etcdClient}`;
  const peer = `http://127.0.0.1:${ports.etcdPeer}`;
  return [
    'etcd',
    '--name=testplane',
    `--data-dir=${layout.etcdData}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=testplane=${peer}`,
    // A throwaway test store: durability is not worth the fsync latency.
    '--unsafe-no-fsync=true',
    '--log-level=warn',
  ];
}

export function apiserverArgs(layout: PlaneLayout, ports: PlanePorts, serviceAccountKeys: { privateKey: string; publicKey: string }): string[] {
  return [
    'kube-apiserver',
    `--etcd-servers=http://127.0.0.1:${ports.etcdClient}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${ports.apiserver}`,
    `--cert-dir=${layout.servingCerts}`,
    '--authorization-mode=Node,RBAC',
    '--enable-admission-plugins=NodeRestriction,PodSecurity,ValidatingAdmissionPolicy',
    '--allow-privileged=true',
    `--token-auth-file=${layout.tokenFile}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${serviceAccountKeys.publicKey}`,
    `--service-account-signing-key-file=${serviceAccountKeys.privateKey}`,
    `--service-cluster-ip-range=${serviceClusterIPRange}`,
    `--audit-policy-file=${layout.auditPolicy}`,
    `--audit-log-path=${layout.auditLog}`,
    // Tests read the audit log right after a request; batching would delay the lines.
    '--audit-log-mode=blocking',
    '--profiling=false',
  ];
}

export function controllerManagerArgs(layout: PlaneLayout, serviceAccountPrivateKey: string, rootCA: string): string[] {
  return [
    'kube-controller-manager',
    `--kubeconfig=${join(layout.componentKubeconfigs, 'controller-manager')}`,
    '--leader-elect=false',
    '--secure-port=0',
    '--use-service-account-credentials=true',
    `--service-account-private-key-file=${serviceAccountPrivateKey}`,
    `--root-ca-file=${rootCA}`,
    `--cluster-name=${clusterName}`,
    `--service-cluster-ip-range=${serviceClusterIPRange}`,
  ];
}

export function schedulerArgs(layout: PlaneLayout): string[] {
  return [
    'kube-scheduler',
    `--kubeconfig=${join(layout.componentKubeconfigs, 'scheduler')}`,
    '--leader-elect=false',
    '--secure-port=0',
  ];
}

export function kwokArgs(layout: PlaneLayout): string[] {
  return [
    `--kubeconfig=${join(layout.componentKubeconfigs, 'kwok')}`,
    `--config=${layout.kwokConfig}`,
    '--manage-all-nodes=false',
    `--manage-nodes-with-annotation-selector=${fakeNodeAnnotation}=fake`,
    // kwok renews node leases so the node lifecycle controller keeps the nodes Ready.
    '--node-lease-duration-seconds=40',
    `--cidr=${podCIDR}`,
  ];
}

export const auditPolicyYaml = `# Every request at Metadata level, so tests can prove which writes happened.
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages:
  - RequestReceived
rules:
  - level: Metadata
`;
