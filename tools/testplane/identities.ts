import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A static-token identity of the plane; tokens are fresh per `up`. */
export interface Identity {
  user: string;
  token: string;
  groups: string[];
}

/**
 * The identities the plane knows. The components use the users that the
 * bootstrap RBAC policy already binds; `admin` is system:masters like kind's
 * admin kubeconfig; `tester` is bound to nothing, for RBAC tests.
 */
export interface Identities {
  admin: Identity;
  tester: Identity;
  controllerManager: Identity;
  scheduler: Identity;
  kwok: Identity;
}

export function newIdentities(): Identities {
  const identity = (user: string, groups: string[] = []): Identity => ({
    user,
    groups,
    token: randomBytes(24).toString('hex'),
  });
  return {
    admin: identity('k8s-sec-lab-admin', ['system:masters']),
    tester: identity('k8s-sec-lab-tester', ['k8s-sec-lab:testers']),
    controllerManager: identity('system:kube-controller-manager'),
    scheduler: identity('system:kube-scheduler'),
    kwok: identity('k8s-sec-lab-kwok', ['system:masters']),
  };
}

/** Writes the kube-apiserver --token-auth-file (token,user,uid,"groups"). */
export async function writeTokenFile(path: string, identities: Identities): Promise<void> {
  const lines = Object.values(identities).map(
    ({ token, user, groups }) => `${token},${user},${user},"${groups.join(',')}"`,
  );
  await writeFile(path, `${lines.join('\n')}\n`, { mode: 0o600 });
}

/** The service-account token signing key pair (PEM), as kubeadm's sa.key / sa.pub. */
export async function writeServiceAccountKeys(pkiDir: string): Promise<{ privateKey: string; publicKey: string }> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const paths = { privateKey: join(pkiDir, 'sa.key'), publicKey: join(pkiDir, 'sa.pub') };
  await writeFile(paths.privateKey, privateKey, { mode: 0o600 });
  await writeFile(paths.publicKey, publicKey);
  return paths;
}
