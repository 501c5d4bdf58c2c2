/**
 * The index-series port and its SSB adapter: the consumer price index (KPI, 2015 = 100) per month
 * from Statistics Norway's PxWebApi v2, table 03013, as JSON-stat 2.0:
 *
 *   GET {base}/api/pxwebapi/v2/tables/03013/data?lang=no&outputFormat=json-stat2
 *       &valueCodes[Konsumgrp]=TOTAL&valueCodes[ContentsCode]=KpiIndMnd&valueCodes[Tid]=top(N)
 *
 * JSON-stat 2.0: `id` lists the dimensions in order and `size` their lengths; `value` is the cube in
 * row-major order (an array, or an object keyed by position when sparse; null for a missing value);
 * a dimension's `category.index` maps each code to its position (an object, or an array of codes).
 * Time codes are `YYYYMmm` (2024M10). Values keep one decimal and are stored × 10.
 */

/** One value of an index series: period `YYYY-MM`, value × 10 (136.8 → 1368). */
export interface IndexValue {
  readonly index: string;
  readonly period: string;
  readonly valueX10: number;
}

/** Where index values come from (SSB, or another statistics source). */
export interface IndexSeriesSource {
  /** The latest `months` monthly values of the series. */
  fetch(months: number): Promise<IndexValue[]>;
}

interface JsonStatCategory {
  readonly index?: Record<string, number> | readonly string[];
}
interface JsonStat2 {
  readonly class?: string;
  readonly id?: readonly string[];
  readonly size?: readonly number[];
  readonly dimension?: Record<string, { readonly category?: JsonStatCategory }>;
  readonly value?: readonly (number | null)[] | Record<string, number | null>;
}

export const SSB_BASE_URL = 'https://data.ssb.no';

export class SsbKpi implements IndexSeriesSource {
  constructor(
    private readonly baseUrl = SSB_BASE_URL,
    private readonly fetchFn: typeof fetch = fetch,
    private readonly timeoutMs = 20_000,
  ) {}

  async fetch(months: number): Promise<IndexValue[]> {
    const n = Math.min(600, Math.max(1, Math.floor(months)));
    const q = new URLSearchParams({
      lang: 'no',
      outputFormat: 'json-stat2',
      'valueCodes[Konsumgrp]': 'TOTAL',
      'valueCodes[ContentsCode]': 'KpiIndMnd',
      'valueCodes[Tid]': `top(${n})`,
    });
    const res = await this.fetchFn(`${this.baseUrl}/api/pxwebapi/v2/tables/03013/data?${q}`, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!res.ok) throw new Error(`SSB svarte ${res.status} for KPI (tabell 03013)`);
    return parseKpiJsonStat((await res.json()) as JsonStat2);
  }
}

function positions(category: JsonStatCategory | undefined): Map<string, number> {
  const index = category?.index;
  if (Array.isArray(index)) return new Map(index.map((code, i) => [code, i]));
  return new Map(Object.entries((index ?? {}) as Record<string, number>));
}

/** Reads the KPI totals (Konsumgrp TOTAL, ContentsCode KpiIndMnd) per month from JSON-stat 2.0. */
export function parseKpiJsonStat(body: JsonStat2, index = 'KPI'): IndexValue[] {
  const ids = body.id ?? [];
  const size = body.size ?? [];
  if (body.class !== 'dataset' || ids.length === 0 || ids.length !== size.length || !body.dimension)
    throw new Error('Uventet svar fra SSB (ikke et JSON-stat 2.0-datasett)');
  const timeAt = ids.indexOf('Tid');
  if (timeAt === -1) throw new Error('Uventet svar fra SSB (mangler tidsdimensjonen Tid)');
  // The fixed codes of the other dimensions (one category each, or the wanted one).
  const wanted: Record<string, string> = { Konsumgrp: 'TOTAL', ContentsCode: 'KpiIndMnd' };
  const fixed: number[] = ids.map((id, d) => {
    if (d === timeAt) return 0;
    const pos = positions(body.dimension?.[id]?.category);
    const want = wanted[id];
    const p = want !== undefined ? pos.get(want) : pos.size === 1 ? 0 : undefined;
    if (p === undefined) throw new Error(`Uventet svar fra SSB (mangler ${want ?? id})`);
    return p;
  });
  const stride = (d: number) => size.slice(d + 1).reduce((a, b) => a * b, 1);
  const valueAt = (i: number): number | null | undefined =>
    Array.isArray(body.value)
      ? (body.value as (number | null)[])[i]
      : (body.value as Record<string, number | null> | undefined)?.[String(i)];
  const out: IndexValue[] = [];
  for (const [code, t] of positions(body.dimension[ids[timeAt] as string]?.category)) {
    const m = /^(\d{4})M(0[1-9]|1[0-2])$/.exec(code);
    if (!m) continue;
    let i = 0;
    for (let d = 0; d < ids.length; d++) i += (d === timeAt ? t : (fixed[d] as number)) * stride(d);
    const v = valueAt(i);
    if (v === null || v === undefined || !Number.isFinite(v) || v <= 0) continue;
    const x10 = Math.round(v * 10);
    if (Math.abs(x10 - v * 10) > 1e-6)
      throw new Error(`Uventet svar fra SSB (${code}: ${v} har mer enn én desimal)`);
    out.push({ index, period: `${m[1]}-${m[2]}`, valueX10: x10 });
  }
  return out.sort((a, b) => (a.period < b.period ? -1 : 1));
}
