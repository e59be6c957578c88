/**
 * Where the EKS Pod Identity Agent emulator's code lives, for its tests. Its
 * ConfigMap (labs/addons/pod-identity/pod-identity-server.yaml) is generated with
 * the other add-ons' by tools/addons/code-configmap.ts: npm run generate:addons.
 */
import { addonsDir, codeConfigMaps } from '../addons/code-configmap.js';

export const addonDir = `${addonsDir}pod-identity/`;
export const serverConfigMapFile = `${addonsDir}${codeConfigMaps['pod-identity'].file}`;
export const embeddedFiles = ['agent.py'] as const;
