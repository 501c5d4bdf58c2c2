/**
 * Ticks of a percentage-of-ceiling axis: always up to 100 % at least, ending on a round figure
 * above the largest bar (not on the bar itself: «105 %» as the last tick reads as a limit).
 */
export function percentTicks(maxPercent: number): number[] {
  const top = Math.max(100, maxPercent);
  const step =
    [25, 50, 100, 250, 500, 1000].find((s) => top / s <= 5) ?? 10 ** Math.ceil(Math.log10(top / 5));
  const end = Math.ceil(top / step) * step;
  return Array.from({ length: end / step + 1 }, (_, i) => i * step);
}
