import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What a substitute command prints and returns for one subcommand; `sleepSeconds` makes it hang (for Ctrl-C tests). */
export interface FakeResponse {
  stdout?: string;
  stderr?: string;
  exitCode?: number;
  sleepSeconds?: number;
}

/** Responses per program, keyed by its first two arguments ("get clusters", "create cluster", "info --format"). */
export type FakePrograms = Record<string, Record<string, FakeResponse | FakeResponse[]>>;

export interface FakeCall {
  /** KIND_EXPERIMENTAL_PROVIDER as the program saw it ('' when unset). */
  provider: string;
  args: string[];
}

export interface FakeBin {
  dir: string;
  /** PATH with only the substitutes and the system's basic tools (sh, cat, sleep). */
  path: string;
  calls(program: string): Promise<FakeCall[]>;
  /** The content of the last --config file the program was given, as it was when the program ran. */
  receivedConfig(program: string): Promise<string | undefined>;
  /** The pid of the program that is sleeping, once it started. */
  sleepingPid(program: string): Promise<number | undefined>;
  cleanup(): Promise<void>;
}

export const kindOutput = (name: string): Promise<string> =>
  readFile(fileURLToPath(new URL(`../../fixtures/cluster/kind-output/${name}`, import.meta.url)), 'utf8');

// A response list answers successive calls in turn; the last one repeats.
const script = `#!/bin/sh
dir="$(dirname "$0")"
name="$(basename "$0")"
printf '%s' "\${KIND_EXPERIMENTAL_PROVIDER:-}" >> "$dir/calls-$name"
for arg in "$@"; do printf '\\t%s' "$arg" >> "$dir/calls-$name"; done
printf '\\n' >> "$dir/calls-$name"
# What a --config file held when the program ran (the caller may rewrite it later).
prev=""
for arg in "$@"; do
  if [ "$prev" = "--config" ] && [ -f "$arg" ]; then cp "$arg" "$dir/config-$name"; fi
  prev="$arg"
done
key="$(printf '%s' "$1 $2" | tr -c 'a-zA-Z0-9' '_')"
printf 'x\\n' >> "$dir/count-$name-$key"
n="$(wc -l < "$dir/count-$name-$key" | tr -d ' ')"
base="$dir/responses/$name/$key"
[ -e "$base" ] || base="$dir/responses/$name/default"
[ -e "$base" ] || exit 0
r="$base/$n"
while [ ! -e "$r" ] && [ "$n" -gt 1 ]; do n=$((n - 1)); r="$base/$n"; done
[ -e "$r/stdout" ] && cat "$r/stdout"
[ -e "$r/stderr" ] && cat "$r/stderr" >&2
if [ -e "$r/sleep" ]; then echo $$ > "$dir/$name.pid"; exec sleep "$(cat "$r/sleep")"; fi
exit "$(cat "$r/exit" 2>/dev/null || echo 0)"
`;

/** Writes substitute programs (kind, docker, ...) into a temp dir that goes first on PATH. */
export async function fakeBin(programs: FakePrograms): Promise<FakeBin> {
  const dir = await mkdtemp(join(tmpdir(), 'k8s-sec-lab-fake-bin-'));
  for (const [program, responses] of Object.entries(programs)) {
    await writeFile(join(dir, program), script, { mode: 0o755 });
    await chmod(join(dir, program), 0o755);
    for (const [command, response] of Object.entries(responses)) {
      // The script's key is "$1 $2", so a one-word command ("version") ends in a space.
      const key = command === 'default' ? 'default' : `${command}${command.includes(' ') ? '' : ' '}`.replace(/[^a-zA-Z0-9]/g, '_');
      const list = Array.isArray(response) ? response : [response];
      for (const [index, each] of list.entries()) {
        const out = join(dir, 'responses', program, key, String(index + 1));
        await mkdir(out, { recursive: true });
        if (each.stdout !== undefined) await writeFile(join(out, 'stdout'), each.stdout);
        if (each.stderr !== undefined) await writeFile(join(out, 'stderr'), each.stderr);
        if (each.sleepSeconds !== undefined) await writeFile(join(out, 'sleep'), String(each.sleepSeconds));
        await writeFile(join(out, 'exit'), String(each.exitCode ?? 0));
      }
    }
  }
  return {
    dir,
    path: `${dir}:/usr/bin:/bin`,
    async calls(program) {
      const text = await readFile(join(dir, `calls-${program}`), 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [provider = '', ...args] = line.split('\t');
          return { provider, args };
        });
    },
    receivedConfig: (program) => readFile(join(dir, `config-${program}`), 'utf8').catch(() => undefined),
    async sleepingPid(program) {
      const text = await readFile(join(dir, `${program}.pid`), 'utf8').catch(() => '');
      return text.trim() ? Number(text.trim()) : undefined;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** `kind version` as kind prints it. */
export const kindVersionResponse = (version: string): FakeResponse => ({ stdout: `kind ${version} go1.25.1 linux/amd64\n` });

/** `docker info --format '{{json .}}'` of a running daemon. */
export const dockerRunning: FakeResponse = {
  stdout: `${JSON.stringify({ ServerVersion: '28.1.1', MemTotal: 16 * 1024 ** 3, NCPU: 8, DockerRootDir: '/var/lib/docker', ServerErrors: [] })}\n`,
};
