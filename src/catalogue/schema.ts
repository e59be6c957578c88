import { z } from 'zod';
import { addonNames, type AddonName } from '../cluster/addons.js';
import { dnsLabel } from '../grading/fields.js';
import { checkSchema, hintsSchema } from '../grading/kinds/registry.js';

/**
 * The format of scenarios/<id>/scenario.yaml. Check kinds are code (the
 * registry in src/grading/kinds/); checks are data here, so a new scenario is
 * a folder an author can copy.
 */

/**
 * One command of the briefing's attack, as the learner types it (verbatim from
 * briefing.md, made non-interactive), for the lab to replay: `api` steps need only
 * the API server (the test control plane runs them), `runtime` steps need pods that
 * really run (kind).
 */
const replayStepSchema = z
  .object({
    run: z.string().min(1),
    needs: z.enum(['api', 'runtime']),
    /** The flag this step's output must contain (this run's planted value). */
    revealsFlag: z.string().min(1).optional(),
    expect: z
      .object({
        exitCode: z.number().int().min(0).max(255).default(0),
        stdoutContains: z.string().min(1).optional(),
      })
      .strict()
      .default({ exitCode: 0 }),
  })
  .strict();

const reservedNamespaces = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease', 'k8s-sec-lab-system']);
const scenarioNamespace = dnsLabel.refine((name) => !reservedNamespaces.has(name), {
  message: 'is a namespace the lab never owns (reset deletes scenario namespaces)',
});

export const scenarioSchema = z
  .object({
    formatVersion: z.literal(1),
    id: dnsLabel,
    title: z.string().min(1),
    summary: z.string().min(1),
    difficulty: z.enum(['beginner', 'intermediate', 'advanced']),
    minutes: z.number().int().positive(),
    tags: z.array(z.string()).default([]),
    namespaces: z.array(scenarioNamespace).min(1),
    /** Lab add-ons the scenario needs installed (by `start`). */
    addons: z.array(z.enum(addonNames as [AddonName, ...AddonName[]])).default([]),
    objectives: z.array(z.string().min(1)).min(1),
    setup: z.object({ manifests: z.string().min(1) }).strict(),
    solution: z
      .object({
        manifests: z.string().min(1),
        /** Objects the reference solution removes (server-side apply cannot delete). */
        delete: z
          .array(z.object({ apiVersion: z.string(), kind: z.string(), namespace: dnsLabel.optional(), name: z.string() }).strict())
          .default([]),
      })
      .strict(),
    checks: z.array(checkSchema).min(1),
    /**
     * Attack flags: proof that the learner performed the attack. `start` plants a fresh
     * value wherever the setup writes ${K8SLAB_FLAG:<id>}; `submit` takes it back.
     */
    flags: z
      .array(
        z
          .object({
            id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be kebab-case (a-z, 0-9, -)'),
            title: z.string().min(1),
            /** Where the attack leads, for `show` and the briefing: "a Secret the proxy lists". */
            where: z.string().min(1),
            /**
             * Who plants it: `manifest`, a ${K8SLAB_FLAG:<id>} in a setup manifest; `imds`, the
             * IMDS emulator's node-role Token (the imds add-on); `node-file`, a root-only file
             * on every node, /var/lib/k8s-sec-lab/flags/<scenario>/<id>.
             */
            plantedBy: z.enum(['manifest', 'imds', 'node-file']).default('manifest'),
            /** A ladder for the attack, as checks have for the fix. */
            hints: hintsSchema,
          })
          .strict(),
      )
      .default([]),
    /** The briefing's attack, machine-readable: `lint:scenarios` and the kind e2e lane replay it (src/lifecycle/replay.ts). */
    attack: z
      .object({ replay: z.array(replayStepSchema).min(1) })
      .strict()
      .optional(),
    references: z
      .object({
        /** Keys of the industry check-ID table (src/engines/check-ids.ts). */
        checkIds: z.array(z.string()).default([]),
        links: z.array(z.object({ title: z.string(), url: z.url() }).strict()).default([]),
      })
      .strict()
      .default({ checkIds: [], links: [] }),
  })
  .strict();

export const tracksSchema = z
  .object({
    formatVersion: z.literal(1),
    tracks: z
      .array(
        z
          .object({
            id: dnsLabel,
            title: z.string().min(1),
            description: z.string().optional(),
            scenarios: z.array(dnsLabel).min(1),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

/** A scenario.yaml as written, parsed; a loaded Scenario (types.ts) adds its folder and texts. */
export type ScenarioFile = z.infer<typeof scenarioSchema>;
export type ReplayStep = z.infer<typeof replayStepSchema>;
export type TracksFile = z.infer<typeof tracksSchema>;
