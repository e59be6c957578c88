import type { Command } from 'commander';
import { ExitCode, LabError } from '../errors.js';
import type { ConnectionQuery, Endpoint, InputIssue, NetworkModel, Protocol } from '../engines/network-policy/index.js';
import type { Paint } from '../render/reach/paint.js';
import { action, type CommandContext, type CommandModule } from './command-module.js';
import { writeChunks, writeJson, writeLine } from './io.js';

interface ReachOptions {
  filename: string;
  from?: string;
  to?: string;
  port: string;
  protocol: string;
  matrix?: boolean;
  json?: boolean;
}

/** `reach`: what the NetworkPolicies in some manifests let one pod (or an IP) reach, or a whole matrix. */
export const reachCommand: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    program
      .command('reach')
      .description('Judge with NetworkPolicy semantics whether a connection is allowed, and why (or print a pod-to-pod matrix)')
      .requiredOption('-f, --filename <path>', 'manifests with Namespaces, Pods and NetworkPolicies: a file, a directory, or - for stdin')
      .option('--from <pod|ip>', 'source: namespace/pod, pod (in namespace default), or an IP address (a pod IP means that pod)')
      .option('--to <pod|ip>', 'destination: namespace/pod, pod (in namespace default), or an IP address (a pod IP means that pod)')
      .requiredOption('--port <number>', 'destination port')
      .option('--protocol <name>', 'TCP, UDP or SCTP', 'TCP')
      .option('--matrix', 'print which pods may reach which on the port')
      .option('--json', 'print JSON instead of text')
      .addHelpText('after', [
        '',
        'Exit codes: 0 allowed (or the matrix was printed), 1 denied, 2 bad input.',
        'Examples:',
        '  k8s-sec-lab reach -f setup/ --from shop/web --to shop/api --port 8080',
        '  k8s-sec-lab reach -f setup/ --from shop/web --to 169.254.169.254 --port 80',
        '  k8s-sec-lab reach -f setup/ --matrix --port 5432',
      ].join('\n'))
      .action(action(ctx, (options: ReachOptions) => runReach(ctx, options)));
  },
};

async function runReach(ctx: CommandContext, options: ReachOptions): Promise<number> {
  const query = readQuery(options);
  const mode = readMode(options);
  const [engine, { loadManifests }] = await Promise.all([import('../engines/network-policy/index.js'), import('../manifests/load.js')]);
  const loaded = await loadManifests(options.filename, ctx.io.readStdin);
  const model = engine.buildNetworkModel(engine.networkInputFromObjects(loaded.map(({ object }) => object)));
  const paint: Paint = ctx.io.color;

  if (mode.kind === 'matrix') {
    if (model.pods.length === 0) throw new LabError(`no pods in ${options.filename}`, { fix: 'add Pod manifests (kind: Pod) to judge their connections' });
    const result = engine.reachabilityMatrix(model, query);
    if (!result.ok) throw issuesError(result.issues, engine.formatIssue);
    const matrix = result.value;
    const { matrixJson, matrixText } = await import('../render/reach/matrix.js');
    await writeChunks(ctx.io.stdout, options.json ? matrixJson(matrix, matrix.pods.map(engine.endpointName)) : matrixText(matrix, paint));
    return ExitCode.ok;
  }

  const from = resolveEndpoint(model, mode.from, '--from', options.filename, engine);
  const to = resolveEndpoint(model, mode.to, '--to', options.filename, engine);
  if (from.kind === 'external' && to.kind === 'external') {
    throw new LabError(`neither ${mode.from} nor ${mode.to} is a pod in ${options.filename}: NetworkPolicy only governs pods`, {
      fix: 'name a pod (namespace/pod) on at least one side',
    });
  }
  const result = engine.evaluateConnection(model, from, to, query);
  if (!result.ok) throw issuesError(result.issues, engine.formatIssue);
  const verdict = result.value;
  if (options.json) {
    writeJson(ctx.io.stdout, { from: engine.endpointName(from), to: engine.endpointName(to), ...query, ...verdict });
  } else {
    const { verdictText } = await import('../render/reach/verdict.js');
    writeLine(ctx.io.stdout, verdictText(verdict, from, to, query, paint));
  }
  return verdict.allowed ? ExitCode.ok : ExitCode.fail;
}

type Mode = { kind: 'matrix' } | { kind: 'pair'; from: string; to: string };

function readMode(options: ReachOptions): Mode {
  if (options.matrix) {
    if (options.from !== undefined || options.to !== undefined) {
      throw new LabError('--matrix judges every pod pair, so it takes no --from or --to', { fix: 'drop --from/--to, or drop --matrix to judge one connection' });
    }
    return { kind: 'matrix' };
  }
  if (options.from === undefined || options.to === undefined) {
    throw new LabError(`missing ${options.from === undefined ? '--from' : '--to'}`, {
      fix: 'pass both --from and --to (namespace/pod or an IP address), or --matrix for every pod pair',
    });
  }
  return { kind: 'pair', from: options.from, to: options.to };
}

function readQuery(options: ReachOptions): Required<ConnectionQuery> {
  const port = /^\d+$/.test(options.port) ? Number(options.port) : Number.NaN;
  if (!(port >= 1 && port <= 65535)) {
    throw new LabError(`--port ${options.port} is not a port number`, { fix: 'pass --port with a number from 1 to 65535' });
  }
  const protocol = options.protocol.toUpperCase();
  if (protocol !== 'TCP' && protocol !== 'UDP' && protocol !== 'SCTP') {
    throw new LabError(`--protocol ${options.protocol} is not supported`, { fix: 'pass --protocol TCP, UDP or SCTP (NetworkPolicy knows no other)' });
  }
  return { port, protocol: protocol satisfies Protocol };
}

type Engine = typeof import('../engines/network-policy/index.js');

/** An IP is the pod owning it when there is one (its policies apply), else an address outside the cluster. */
function resolveEndpoint(model: NetworkModel, text: string, flag: string, file: string, engine: Engine): Endpoint {
  if (engine.parseIp(text)) return model.podWithIp(text) ?? engine.externalEndpoint(text);
  const parts = text.split('/');
  const [namespace, name] = parts.length === 1 ? ['default', parts[0]] : parts;
  if (parts.length > 2 || !namespace || !name) {
    throw new LabError(`${flag} ${text} is neither namespace/pod nor an IP address`, { fix: `write ${flag} like shop/web or 10.0.0.7` });
  }
  const pod = model.findPod(namespace, name);
  if (pod) return pod;
  const known = model.pods.slice(0, 5).map(engine.endpointName);
  throw new LabError(`${flag} ${text}: no pod ${namespace}/${name} in ${file}`, {
    fix: known.length === 0
      ? 'the input has no pods: add Pod manifests (kind: Pod), or pass an IP address'
      : `name one of the pods in the input, e.g. ${known.join(', ')}${model.pods.length > known.length ? ', …' : ''}`,
  });
}

function issuesError(issues: InputIssue[], format: (issue: InputIssue) => string): LabError {
  return new LabError(`the input makes a verdict impossible: ${issues.map(format).join('; ')}`, {
    fix: 'correct the fields named above (the API server would reject them too)',
  });
}
