/**
 * Forgiving search: a vocabulary of the words in the catalogue's PUBLIC text (built from public
 * projections only, so a confidential word can never be suggested) and a spelling corrector that
 * finds the nearest vocabulary word by Damerau–Levenshtein distance (adjacent swaps count as one).
 */

/** Words as the search engine sees them: letters and digits, Norwegian letters included. */
export function words(text: string): string[] {
  return (
    text
      .normalize('NFC')
      .toLocaleLowerCase('nb')
      .match(/[\p{L}\p{N}]+/gu) ?? []
  ).filter((w) => w.length <= 60);
}

/** Optimal string alignment distance, stopping early once it exceeds `max`. */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(
        (prev[j] as number) + 1,
        (cur[j - 1] as number) + 1,
        (prev[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, (prev2[j - 2] as number) + 1);
      }
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n] as number;
}

/** How many typos a word of this length may carry and still be corrected. */
export const allowedTypos = (length: number): number => (length < 4 ? 0 : length < 7 ? 1 : 2);

export interface Correction {
  /** The corrected query text (words replaced; unknown words kept). */
  readonly text: string;
  readonly changed: boolean;
}

export class Vocabulary {
  private readonly counts = new Map<string, number>();
  private sorted: string[] = [];

  constructor(texts: Iterable<string> = []) {
    for (const t of texts) this.add(t);
    this.seal();
  }

  private add(text: string): void {
    for (const w of words(text)) {
      if (w.length < 2 || /^\d+$/.test(w)) continue;
      this.counts.set(w, (this.counts.get(w) ?? 0) + 1);
    }
  }

  private seal(): void {
    this.sorted = [...this.counts.keys()].sort();
  }

  get size(): number {
    return this.sorted.length;
  }

  /** True when some vocabulary word starts with this prefix (the search matches prefixes). */
  hasPrefix(prefix: string): boolean {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.sorted[mid] as string) < prefix) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.sorted.length && (this.sorted[lo] as string).startsWith(prefix);
  }

  /** Completions of a prefix, most frequent first. */
  complete(prefix: string, limit: number): string[] {
    const p = words(prefix)[0];
    if (!p) return [];
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.sorted[mid] as string) < p) lo = mid + 1;
      else hi = mid;
    }
    const found: string[] = [];
    for (let i = lo; i < this.sorted.length && (this.sorted[i] as string).startsWith(p); i++) {
      found.push(this.sorted[i] as string);
      if (found.length >= 500) break;
    }
    return found
      .sort((a, b) => (this.counts.get(b) ?? 0) - (this.counts.get(a) ?? 0) || a.localeCompare(b))
      .slice(0, limit);
  }

  /**
   * The nearest known word, or null. A query word is a prefix in the search, so it is also
   * compared with the start of longer words ("kontrorekv" → "kontorrekvisita").
   */
  nearest(word: string): string | null {
    const max = allowedTypos(word.length);
    if (max === 0) return null;
    let best: string | null = null;
    let bestScore = Number.POSITIVE_INFINITY;
    for (const candidate of this.sorted) {
      if (candidate.length < word.length - max) continue;
      const whole = editDistance(word, candidate, max);
      let d = whole;
      if (d > max && candidate.length > word.length) {
        for (const len of [word.length, word.length + 1, word.length - 1]) {
          if (len < 1 || len > candidate.length) continue;
          d = Math.min(d, editDistance(word, candidate.slice(0, len), max));
        }
      }
      if (d > max) continue;
      // Prefer fewer edits, then whole-word matches, then frequent words.
      const score =
        d * 1000 + (whole === d ? 0 : 100) - Math.min(this.counts.get(candidate) ?? 0, 99);
      if (score < bestScore) {
        bestScore = score;
        best = candidate;
      }
    }
    return best;
  }

  /** Replaces every word that matches nothing with its nearest known word. */
  correct(text: string): Correction {
    const parts = words(text).slice(0, 12);
    let changed = false;
    const fixed = parts.map((w) => {
      if (/^\d+$/.test(w) || this.hasPrefix(w)) return w;
      const near = this.nearest(w);
      if (near && near !== w) {
        changed = true;
        return near;
      }
      return w;
    });
    return { text: fixed.join(' '), changed };
  }
}
