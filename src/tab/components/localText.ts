import type { TaskView } from '../types.ts';

/** Routine texts come in bokmål with optional nynorsk and English. */
export function localText(text: TaskView['title'] | null | undefined, lng: string): string {
  if (!text) return '';
  if (lng === 'nn') return text.nn ?? text.nb;
  if (lng === 'en') return text.en ?? text.nb;
  return text.nb;
}
