import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { replayProblems, staticProblems } from '../../../tools/lint-scenarios/static-rules.js';
import { catalogueCopy, repoRoot } from '../../helpers/fixtures.js';


describe('the static catalogue rules (no cluster, no Go)', () => {
  it('hold for every scenario of the catalogue', async () => {
    expect(await staticProblems(repoRoot)).toEqual([]);
  });

  it('flag an image without a digest and a check ID the table lacks', async () => {
    const root = await catalogueCopy();
    const setup = join(root, 'scenarios/privileged-pod/setup/20-node-agent.yaml');
    await writeFile(setup, (await readFile(setup, 'utf8')).replace(/image: (\S+)@sha256:\S+/, 'image: $1'));
    const scenario = join(root, 'scenarios/kubectl-proxy-vs-port-forward/scenario.yaml');
    await writeFile(scenario, (await readFile(scenario, 'utf8')).replace(/checkIds: \[/, 'checkIds: [noSuchCheck, '));
    const problems = await staticProblems(root);
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^scenarios\/privileged-pod: setup: .* is not pinned by digest/), expect.stringContaining('"noSuchCheck" is not a key')]));
  });
});

describe('the attack replay rule', () => {
  const briefing = [
    '```sh',
    'kubectl -n ci exec deploy/runner -- wget -qO- http://proxy:8001/api/v1/secrets',
    "kubectl -n app apply --dry-run=server -f - <<'EOF'",
    'kind: Pod',
    'EOF',
    '```',
  ].join('\n');
  const flag = { id: 'token', title: 't', where: 'w', plantedBy: 'manifest' as const, hints: { nudge: 'n', concept: 'c', command: 'k' } };
  const step = (run: string, revealsFlag?: string) => ({ run, needs: 'runtime' as const, expect: { exitCode: 0 }, ...(revealsFlag ? { revealsFlag } : {}) });

  it('accepts the briefing\'s own commands, a multi-line heredoc and a pipeline prefix included, and every flag revealed', () => {
    const attack = {
      replay: [
        step('kubectl -n ci exec deploy/runner -- wget -qO- http://proxy:8001/api/v1/secrets', 'token'),
        step("kubectl -n app apply --dry-run=server -f - <<'EOF'\nkind: Pod\nEOF\n"),
      ],
    };
    expect(replayProblems({ briefing, flags: [flag], attack })).toEqual([]);
  });

  it('refuses a command the briefing does not show (one character off), an unknown flag, and a flag no step reveals', () => {
    const attack = { replay: [step('kubectl -n ci exec deploy/runner -- wget -qO- http://proxy:8001/api/v1/secret'.replace('wget -qO-', 'wget -qO -')), step('kubectl version', 'tokn')] };
    expect(replayProblems({ briefing, flags: [flag], attack })).toEqual([
      'attack.replay[0].run: "kubectl -n ci exec deploy/runner -- wget -qO - http://proxy:8001/api/v1/secret" does not appear verbatim in briefing.md (replay the briefing\'s own commands)',
      'attack.replay[1].run: "kubectl version" does not appear verbatim in briefing.md (replay the briefing\'s own commands)',
      'attack.replay[1].revealsFlag: "tokn" is not one of the scenario\'s flags',
      'flags (token): no attack.replay step reveals it (add the briefing\'s command that reads it, with revealsFlag: token)',
    ]);
  });

  it('requires a replay once a scenario has a flag, and none without one', () => {
    expect(replayProblems({ briefing, flags: [flag] })).toEqual([expect.stringContaining('flags (token): no attack.replay step reveals it')]);
    expect(replayProblems({ briefing, flags: [] })).toEqual([]);
  });

  it('catches a briefing edited under its replay', async () => {
    const root = await catalogueCopy();
    const file = join(root, 'scenarios/missing-networkpolicy/briefing.md');
    await writeFile(file, (await readFile(file, 'utf8')).replace('HGET card:1004 note', 'HGET card:1004 notes'));
    expect(await staticProblems(root)).toEqual([expect.stringMatching(/^scenarios\/missing-networkpolicy: attack\.replay\[3\]\.run: .* does not appear verbatim/)]);
  });
});

describe('npm run lint:scenarios on a broken catalogue', () => {
  it('prints one clean line per problem, no stack and no follow-on error, and starts no control plane', async () => {
    const root = await catalogueCopy();
    const scenario = join(root, 'scenarios/imds-escape/scenario.yaml');
    await writeFile(scenario, (await readFile(scenario, 'utf8')).replace('difficulty: ', 'difficulty: impossible-'));
    const started = Date.now();
    const result = await execa('npx', ['tsx', join(repoRoot, 'tools/lint-scenarios/cli.ts'), '--catalogue', root], { reject: false, env: { PATH: process.env.PATH, HOME: root } });
    expect(result.exitCode).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^scenarios\/imds-escape\/scenario\.yaml:\d+: difficulty: /);
    expect(lines.at(-1)).toBe('1 problem; fix the files named above, then run npm run lint:scenarios again');
    expect(result.stderr).not.toMatch(/\n\s+at |no scenario "imds-escape"|testplane/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
