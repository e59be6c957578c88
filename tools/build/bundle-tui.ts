import { build, type Plugin } from 'esbuild';
import { fileURLToPath } from 'node:url';

/**
 * Bundles the TUI entry over the tsc output at dist/tui.js (see src/tui.ts
 * for why). The Kubernetes client stays an ordinary import: it is loaded on
 * first use, and bundling it would only grow the file.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * ink imports react-devtools-core (not a dependency) only when DEV=true. A
 * bundle turns that lazy import into an eager one, so it gets an empty module.
 */
const withoutDevtools: Plugin = {
  name: 'without-react-devtools',
  setup(builder) {
    builder.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'empty' }));
    builder.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export default {};', loader: 'js' }));
  },
};
await build({
  absWorkingDir: root,
  entryPoints: ['src/tui.ts'],
  outfile: 'dist/tui.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  jsx: 'automatic',
  minify: true,
  sourcemap: true,
  logLevel: 'warning',
  external: ['@kubernetes/client-node'],
  plugins: [withoutDevtools],
  // Some bundled packages are CommonJS and call require(); give them one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});
