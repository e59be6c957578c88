/** The few styles the text views use; a chalk instance fits, and level 0 paints nothing. */
export interface Paint {
  green: (text: string) => string;
  red: (text: string) => string;
  bold: (text: string) => string;
  dim: (text: string) => string;
}

export function mark(paint: Paint, allowed: boolean): string {
  return allowed ? paint.green('✓') : paint.red('✗');
}
