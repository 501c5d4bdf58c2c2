import type { IsoDate } from '../core/dates.ts';

const offsetFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Europe/Oslo',
  timeZoneName: 'shortOffset',
});

/** Minutes Oslo is ahead of UTC at an instant (60 in winter, 120 in summer). */
export function osloOffsetMinutes(at: Date): number {
  const name =
    offsetFormat.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{1,2})(?::(\d{2}))?/.exec(name);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

/** The instant of `hour`:00 Oslo time on an Oslo calendar date (hours outside the DST switch). */
export function osloInstant(date: IsoDate, hour: number): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d, hour);
  const first = guess - osloOffsetMinutes(new Date(guess)) * 60_000;
  return new Date(guess - osloOffsetMinutes(new Date(first)) * 60_000);
}
