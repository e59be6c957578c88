import { loadKubeAccess } from '../../../src/kube/config.js';
import { KubeClient } from '../../../src/kube/client.js';
import { labClientIdentity } from '../../../src/names.js';
import { messageOf } from '../../../src/errors.js';

// A probe in a process of its own, as `check` runs it: one exec against the
// API server given as argv[2], with a timeout of argv[3] ms. Prints how the exec
// ended, then returns without process.exit: the test times how long the process
// takes to exit after that line.
const [server, timeoutMs] = process.argv.slice(2);
const kubeconfig = `
apiVersion: v1
kind: Config
clusters: [{ name: probe, cluster: { server: "${server}", insecure-skip-tls-verify: true } }]
users: [{ name: probe, user: { token: fake-token-for-a-local-test } }]
contexts: [{ name: probe, context: { cluster: probe, user: probe } }]
current-context: probe
`;
const client = new KubeClient(await loadKubeAccess({ yaml: kubeconfig }), labClientIdentity);
try {
  const result = await client.exec('shop', 'web', 'app', ['sh', '-c', 'wget -T 900 http://127.0.0.1:9/'], Number(timeoutMs));
  process.stdout.write(`${JSON.stringify({ resolved: result })}\n`);
} catch (error) {
  process.stdout.write(`${JSON.stringify({ rejected: messageOf(error), reason: (error as { reason?: string }).reason })}\n`);
} finally {
  client.close();
}
