import { gatherDoctorFacts, type DoctorDeps } from './facts.js';
import { doctorItems, type DoctorItem } from './items.js';

export interface DoctorReport {
  /** False when any item failed: something the lab needs is missing. */
  ok: boolean;
  durationMs: number;
  items: DoctorItem[];
}

export async function runDoctor(deps: DoctorDeps): Promise<DoctorReport> {
  const started = performance.now();
  const items = doctorItems(await gatherDoctorFacts(deps));
  return { ok: items.every((item) => item.status !== 'fail'), durationMs: Math.round(performance.now() - started), items };
}
