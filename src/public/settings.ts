import type { AppConfig } from '../config.ts';

/**
 * Settings of the public catalogue. The organisation's name and the public base URL come from the
 * app configuration; the rest is read from the environment here (documented in docs/public.md),
 * each with a default that works on a laptop.
 */
export interface PublicSettings {
  readonly organisationName: string;
  /** Organisation number of the publisher (OCDS publisher and buyer identifier); optional. */
  readonly organisationOrgnr: string | null;
  readonly baseUrl: string;
  /** Logo: an https URL or a path on this server; null shows the name only. */
  readonly logoUrl: string | null;
  /** Brand colour (header background, buttons); white text on it must reach 4.5:1. */
  readonly brandColour: string;
  readonly contactEmail: string | null;
  readonly contactUrl: string | null;
  readonly accessibilityStatementUrl: string | null;
  /** Requests per client (IP) and minute on the public paths. */
  readonly rateLimitPerMinute: number;
  readonly pageSize: number;
  /** Seconds clients and proxies may cache public answers. */
  readonly cacheSeconds: number;
  /** OCDS ocid prefix (register one with the OCDS Helpdesk for production). */
  readonly ocidPrefix: string;
  /** Rendered answers kept per catalogue generation (0 turns the cache off). */
  readonly responseCacheEntries: number;
  /** Problems with the given settings (shown in the log at start; defaults are used instead). */
  readonly warnings: readonly string[];
}

export const DEFAULT_BRAND_COLOUR = '#1f4e79';

/** WCAG relative luminance of a #rrggbb colour. */
export function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const intFrom = (value: string | undefined, fallback: number, min: number, max: number) => {
  const n = Number(value);
  return value !== undefined && Number.isInteger(n) && n >= min && n <= max ? n : fallback;
};

function safeUrl(value: string | undefined, warnings: string[], name: string): string | null {
  if (!value) return null;
  if (value.startsWith('/') && !value.startsWith('//')) return value;
  try {
    const u = new URL(value);
    if (u.protocol === 'https:' || u.protocol === 'http:') return u.toString();
  } catch {
    // fall through
  }
  warnings.push(`${name} må være en http(s)-adresse eller en sti som begynner med /`);
  return null;
}

export function loadPublicSettings(
  config: Pick<AppConfig, 'ORGANISATION_NAME' | 'PUBLIC_BASE_URL'>,
  env: NodeJS.ProcessEnv = process.env,
): PublicSettings {
  const warnings: string[] = [];
  let brandColour = DEFAULT_BRAND_COLOUR;
  const colour = env.PUBLIC_BRAND_COLOUR?.trim();
  if (colour) {
    if (!/^#[0-9a-fA-F]{6}$/.test(colour)) {
      warnings.push('PUBLIC_BRAND_COLOUR må være på formen #rrggbb');
    } else if (contrastRatio(colour, '#ffffff') < 4.5) {
      warnings.push(
        `PUBLIC_BRAND_COLOUR ${colour} gir for lav kontrast mot hvit tekst (krav 4,5:1); bruker standardfargen`,
      );
    } else {
      brandColour = colour.toLowerCase();
    }
  }
  const orgnr = env.PUBLIC_ORGANISATION_ORGNR?.replace(/\s/g, '') ?? '';
  const email = env.PUBLIC_CONTACT_EMAIL?.trim() ?? '';
  const prefix = env.OCDS_OCID_PREFIX?.trim() ?? '';
  return {
    organisationName: config.ORGANISATION_NAME,
    organisationOrgnr: /^\d{9}$/.test(orgnr) ? orgnr : null,
    baseUrl: config.PUBLIC_BASE_URL.replace(/\/+$/, ''),
    logoUrl: safeUrl(env.PUBLIC_LOGO_URL, warnings, 'PUBLIC_LOGO_URL'),
    brandColour,
    contactEmail: /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/.test(email) ? email : null,
    contactUrl: safeUrl(env.PUBLIC_CONTACT_URL, warnings, 'PUBLIC_CONTACT_URL'),
    accessibilityStatementUrl: safeUrl(
      env.PUBLIC_ACCESSIBILITY_URL,
      warnings,
      'PUBLIC_ACCESSIBILITY_URL',
    ),
    rateLimitPerMinute: intFrom(env.PUBLIC_RATE_LIMIT, 300, 1, 1_000_000),
    pageSize: intFrom(env.PUBLIC_PAGE_SIZE, 20, 5, 100),
    cacheSeconds: intFrom(env.PUBLIC_CACHE_SECONDS, 60, 0, 86_400),
    ocidPrefix: /^ocds-[a-z0-9]{6}$/.test(prefix) ? prefix : 'ocds-kntrkt',
    responseCacheEntries: intFrom(env.PUBLIC_RESPONSE_CACHE, 500, 0, 100_000),
    warnings,
  };
}
