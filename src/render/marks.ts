import type { DoctorStatus } from '../cluster/doctor/items.js';
import type { ProgressState } from '../progress/record.js';

/** A mark and its colour, in the names both chalk and ink understand. */
export interface Mark {
  mark: string;
  color: 'green' | 'yellow' | 'cyan' | 'red' | 'gray' | 'white';
}

/** How `list`, `status` and the TUI's scenario list mark a learner's progress. */
export const progressMarks: Record<ProgressState, Mark> = {
  done: { mark: '✓', color: 'green' },
  solved: { mark: '◆', color: 'yellow' },
  started: { mark: '•', color: 'cyan' },
  new: { mark: ' ', color: 'white' },
};

export const progressLegend = `${progressMarks.done.mark} done   ${progressMarks.solved.mark} solved with the solution   ${progressMarks.started.mark} started`;

/** How `doctor` and the TUI's doctor screen mark each item. */
export const doctorMarks: Record<DoctorStatus, Mark> = {
  ok: { mark: '✓', color: 'green' },
  warn: { mark: '!', color: 'yellow' },
  fail: { mark: '✗', color: 'red' },
  skip: { mark: '-', color: 'gray' },
};
