import { type Command, Option } from 'commander';
import { formatCommand } from '../cluster/provider.js';
import type { ImageList } from '../lab/images.js';
import { containerEngines, labClusterName, type ContainerEngine } from '../names.js';
import { action, type CommandContext, type CommandModule } from './command-module.js';
import type { CommandIO } from './io.js';
import { writeJson, writeLine } from './io.js';
import { withSession } from './lab.js';

const mapHelp =
  'An image map (--image-map <file> or $K8S_SEC_LAB_IMAGE_MAP) is YAML: `formatVersion: 1` and `images:`, each reference exactly as listed here mapped to ' +
  'its replacement. It applies wherever the lab renders manifests (scenarios, add-ons, its own probe pods) and to the node image of `up`. ' +
  '`npm run kindnode:build` writes one for its local images.';

export const imagesCommand: CommandModule = {
  register(program, ctx) {
    const images = program
      .command('images')
      .summary('list every image the lab uses; `images load` copies them into the lab cluster')
      .description(
        'List every container image the lab and its scenarios use (setup, solution and attack manifests, add-ons, the kind node image and the pods `up` creates), ' +
          'with the files that use each and, under an image map, what replaces it. Needs no cluster.',
      )
      .option('--json', 'print JSON')
      .addHelpText('after', `\n${mapHelp}`)
      .action(action(ctx, (options: { json?: boolean }, command: Command) => runList(ctx, options, command)));
    images
      .command('load')
      .description(
        `Copy each image the lab's pods use (its mapped value under an image map) from the container engine into the nodes of the lab's own kind cluster ${labClusterName}, ` +
          'one `kind load docker-image` per image, so nothing is pulled from a registry. Node images are left out. Exit 2 when an image is missing.',
      )
      .addOption(new Option('--provider <engine>', 'the container engine kind runs on (default: docker, or $KIND_EXPERIMENTAL_PROVIDER)').choices(containerEngines))
      .option('--dry-run', 'print the kind commands without running them')
      .addHelpText('after', `\n${mapHelp}`)
      .action(action(ctx, (options: LoadOptions, command: Command) => runLoad(ctx, options, command)));
  },
};

interface LoadOptions {
  provider?: ContainerEngine;
  dryRun?: boolean;
}

async function runList(ctx: CommandContext, options: { json?: boolean }, command: Command): Promise<number> {
  const { listImages } = await import('../lab/images.js');
  const list = await withSession(ctx, command, listImages);
  if (options.json) writeJson(ctx.io.stdout, list);
  else writeList(ctx.io, list);
  return 0;
}

function writeList(io: CommandIO, list: ImageList): void {
  const { color } = io;
  for (const use of list.images) {
    const mapped = use.mapped ? ` ${color.dim('→')} ${color.green(use.mapped)}` : '';
    writeLine(io.stdout, `${use.image}${use.node ? color.dim(' (kind node image)') : ''}${mapped}`);
    writeLine(io.stdout, color.dim(`  used by ${use.usedBy.join(', ')}`));
  }
  const mappedCount = list.images.filter((use) => use.mapped).length;
  writeLine(io.stdout);
  writeLine(io.stdout, list.imageMap ? `${list.images.length} images; ${list.imageMap} maps ${mappedCount} of them` : `${list.images.length} images; no image map (--image-map or $K8S_SEC_LAB_IMAGE_MAP)`);
}

async function runLoad(ctx: CommandContext, options: LoadOptions, command: Command): Promise<number> {
  const { loadImages } = await import('../lab/images.js');
  const { io } = ctx;
  const result = await withSession(ctx, command, (session) =>
    loadImages(session, {
      ...(options.provider ? { provider: options.provider } : {}),
      ...(options.dryRun ? { dryRun: true } : {}),
      report: (event) => writeLine(io.stdout, options.dryRun ? formatCommand(event.command) : `${io.color.dim(`[${event.index}/${event.total}]`)} ${event.image}: ${formatCommand(event.command)}`),
    }),
  );
  if (!options.dryRun) writeLine(io.stdout, io.color.green(`loaded ${result.loaded.length} images into kind cluster ${labClusterName}`));
  return 0;
}
