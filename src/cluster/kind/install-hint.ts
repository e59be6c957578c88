import { kindAssetName, kindDownloadUrl, pinnedKindVersion } from './release.js';

/** How to install kind by hand on this platform, as commands to paste. */
export function kindInstallHint(platform: NodeJS.Platform, arch: string, env: NodeJS.ProcessEnv): string {
  const goInstall = `\`go install sigs.k8s.io/kind@${pinnedKindVersion}\``;
  const asset = kindAssetName(platform, arch);
  if (platform === 'darwin') return `\`brew install kind\`, or ${goInstall}`;
  if (platform === 'win32') return `\`winget install Kubernetes.kind\`, or ${goInstall}`;
  if (!asset) return `${goInstall} (kind publishes no binary for ${platform}/${arch})`;
  const curl = `\`curl -fLo ./kind ${kindDownloadUrl(env, asset)} && chmod +x ./kind && sudo mv ./kind /usr/local/bin/kind\``;
  return `${curl}, or ${goInstall}`;
}
