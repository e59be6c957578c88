/**
 * A way to run the lab's local cluster, after kind's own Provider interface:
 * backends (kind on Docker or Podman today) sit behind it, so the orchestration
 * in up.ts and its tests never touch a container engine directly.
 */
export interface ClusterProvider {
  /** For messages, e.g. "kind v0.33.0 on docker 27.3.1". */
  describe(): string;
  /** Whether clusters can be created now; the error says what is missing and how to fix it. */
  isAvailable(): Promise<{ available: true; detail: string } | { available: false; error: Error }>;
  /** Creates the cluster; aborting `signal` stops the backend (CommandInterruptedError). */
  create(name: string, options: { configFile: string; signal?: AbortSignal }): Promise<void>;
  /** Deletes the cluster; deleting one that does not exist succeeds. */
  delete(name: string): Promise<void>;
  list(): Promise<string[]>;
  /** The cluster's admin kubeconfig (YAML). */
  kubeconfig(name: string): Promise<string>;
  /** The image the cluster's control-plane node runs, as it was asked for; undefined when the engine cannot say. */
  nodeImage(name: string): Promise<string | undefined>;
  /** The command that copies an image from the engine into every node of the cluster. */
  loadImageCommand(name: string, image: string): PrintableCommand;
  /** Runs loadImageCommand; an image the engine does not have fails naming it. */
  loadImage(name: string, image: string): Promise<void>;
}

/** A command as the user could type it: the variables the lab sets, the program and its arguments. */
export interface PrintableCommand {
  env: Record<string, string>;
  file: string;
  args: string[];
}

/** The command as one pasteable shell line. */
export function formatCommand(command: PrintableCommand): string {
  const assignments = Object.entries(command.env).map(([name, value]) => `${name}=${shellQuote(value)}`);
  return [...assignments, shellQuote(command.file), ...command.args.map(shellQuote)].join(' ');
}

function shellQuote(word: string): string {
  if (/^[\w./:=@%+,-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
