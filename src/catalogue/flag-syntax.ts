/** Where a setup manifest plants an attack flag: `${K8SLAB_FLAG:<flag id>}`, replaced by `start` with this run's value. */
export const flagPlaceholder = /\$\{K8SLAB_FLAG:([a-z0-9]+(?:-[a-z0-9]+)*)\}/g;

/** The flag ids a text plants. */
export function plantedIds(text: string): string[] {
  return [...text.matchAll(flagPlaceholder)].map((match) => match[1] ?? '');
}
