import { defineConfig } from 'vitest/config';
import { KindLaneFirst } from './test/setup/kind-lane-first.js';

export default defineConfig({
  test: {
    // Two workers on every machine (vitest would take one on 2 cores): the kind lane in one,
    // the rest beside it in the other. Both mostly wait on their clusters.
    maxWorkers: 2,
    sequence: { sequencer: KindLaneFirst },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.{ts,tsx}'],
          exclude: ['test/integration/**', 'test/e2e/**', 'node_modules/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.{ts,tsx}'],
          globalSetup: ['test/integration/setup/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          // One real kind cluster (k8s-sec-lab up) for the whole project; a single file, so its tests run in order.
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/setup/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
