/**
 * Exchange rates from Norges Bank's open data API (SDMX REST, dataflow EXR, business-day spot
 * rates against NOK): GET {base}/data/EXR/B.{CUR+CUR}.NOK.SP?format=sdmx-json&startPeriod&endPeriod.
 * The response is SDMX-JSON: series keyed "i:j:k:l" by dimension value index, observations keyed
 * by the index of the TIME_PERIOD value, and the series attribute UNIT_MULT (SEK, DKK, JPY and
 * others are quoted per 100 units).
 */
import { parseRate, type RatePoint } from '../../core/spend/rates.ts';

export interface ExchangeRateSource {
  fetch(currencies: readonly string[], from: string, to: string): Promise<RatePoint[]>;
}

interface SdmxValue {
  readonly id: string;
}
interface SdmxDimension {
  readonly id: string;
  readonly values: readonly SdmxValue[];
}
interface SdmxJson {
  readonly data?: {
    readonly dataSets?: readonly {
      readonly series?: Record<
        string,
        {
          readonly attributes?: readonly (number | null)[];
          readonly observations?: Record<string, readonly (string | null)[]>;
        }
      >;
    }[];
    readonly structure?: {
      readonly dimensions?: {
        readonly series?: readonly SdmxDimension[];
        readonly observation?: readonly SdmxDimension[];
      };
      readonly attributes?: { readonly series?: readonly SdmxDimension[] };
    };
  };
}

export class NorgesBankRates implements ExchangeRateSource {
  constructor(
    private readonly baseUrl = 'https://data.norges-bank.no/api',
    private readonly fetchFn: typeof fetch = fetch,
  ) {}

  async fetch(currencies: readonly string[], from: string, to: string): Promise<RatePoint[]> {
    const list = currencies.filter((c) => /^[A-Z]{3}$/.test(c) && c !== 'NOK');
    if (list.length === 0) return [];
    const url = `${this.baseUrl}/data/EXR/B.${list.join('+')}.NOK.SP?format=sdmx-json&startPeriod=${encodeURIComponent(from)}&endPeriod=${encodeURIComponent(to)}&locale=no`;
    const res = await this.fetchFn(url, {
      headers: { accept: 'application/vnd.sdmx.data+json, application/json' },
    });
    if (res.status === 404) return []; // SDMX: no data for the query
    if (!res.ok) throw new Error(`Norges Bank svarte ${res.status} for valutakurser`);
    return parseSdmxRates((await res.json()) as SdmxJson);
  }
}

export function parseSdmxRates(body: SdmxJson): RatePoint[] {
  const structure = body.data?.structure;
  const seriesDims = structure?.dimensions?.series ?? [];
  const timeDim = structure?.dimensions?.observation?.find((d) => d.id === 'TIME_PERIOD');
  const baseIdx = seriesDims.findIndex((d) => d.id === 'BASE_CUR');
  const seriesAttrs = structure?.attributes?.series ?? [];
  const multIdx = seriesAttrs.findIndex((a) => a.id === 'UNIT_MULT');
  if (!timeDim || baseIdx === -1)
    throw new Error('Uventet svar fra Norges Bank (mangler dimensjoner)');
  const out: RatePoint[] = [];
  for (const ds of body.data?.dataSets ?? []) {
    for (const [key, series] of Object.entries(ds.series ?? {})) {
      const parts = key.split(':').map(Number);
      const currency = seriesDims[baseIdx]?.values[parts[baseIdx] as number]?.id;
      if (!currency) continue;
      let mult = 0;
      if (multIdx !== -1) {
        const vi = series.attributes?.[multIdx];
        const v = vi == null ? undefined : seriesAttrs[multIdx]?.values[vi]?.id;
        mult = v ? Number(v) : 0;
      }
      for (const [obsKey, obs] of Object.entries(series.observations ?? {})) {
        const date = timeDim.values[Number(obsKey)]?.id;
        const raw = obs[0];
        if (!date || raw == null) continue;
        const rate = parseRate(String(raw), mult);
        if (rate === null || !/^\d{4}-\d{2}-\d{2}$/.test(date)) continue;
        out.push({ currency, date, nokPerUnitMicro: rate, source: 'norges-bank' });
      }
    }
  }
  return out;
}
