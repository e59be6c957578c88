import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const guard = fileURLToPath(new URL('../../../tools/docker-host/egress-guard.sh', import.meta.url));

/** Installs the host's egress guard on the kind network (its counter starts at zero). */
export async function installEgressGuard(): Promise<void> {
  await execa(guard, ['install'], { stderr: 'inherit' });
}

/** Packets the guard dropped since it was installed; throws when it is not installed. */
export async function egressDrops(): Promise<number> {
  const { stdout } = await execa(guard, ['count']);
  return Number.parseInt(stdout.trim(), 10);
}
