import { resolve } from 'node:path';
import { z } from 'zod';
import './core/validation-messages.ts';

/** Every setting comes from the environment; see the README's configuration table. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().default('./data'),
  AUTH_MODE: z.enum(['entra', 'dev']).default('entra'),
  ENTRA_TENANT_ID: z.string().optional(),
  ENTRA_CLIENT_ID: z.string().optional(),
  /** Accepted token audiences, comma-separated (default: api://<host>/<client id> and the client id). */
  ENTRA_AUDIENCE: z.string().optional(),
  /** Where Entra ID's keys and issuer live; change only for sovereign clouds (or tests). */
  ENTRA_AUTHORITY_HOST: z.string().url().default('https://login.microsoftonline.com'),
  STORE: z.enum(['sqlite', 'sharepoint']).default('sqlite'),
  EXPIRING_WINDOW_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  /** Default: on in development mode (AUTH_MODE=dev), off otherwise — never demo data in a tenant. */
  DEMO_DATA: z.enum(['on', 'off']).optional(),
  PUBLIC_BASE_URL: z.string().default('http://localhost:3978'),
  ORGANISATION_NAME: z.string().default('Bergen kommune'),
  LOG_LEVEL: z.enum(['silent', 'error', 'info', 'debug']).default('info'),
  /** Norges Bank's open data API (exchange rates) and SSB's (KPI); tests point them elsewhere. */
  NORGES_BANK_API_URL: z.string().url().default('https://data.norges-bank.no/api'),
  SSB_API_URL: z.string().url().default('https://data.ssb.no'),
});

export type AppConfig = Readonly<
  Omit<z.infer<typeof envSchema>, 'DEMO_DATA'> & { DEMO_DATA: 'on' | 'off'; dataDir: string }
>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Ugyldig konfigurasjon:\n${lines.join('\n')}`);
  }
  const d = parsed.data;
  return {
    ...d,
    DEMO_DATA: d.DEMO_DATA ?? (d.AUTH_MODE === 'dev' ? 'on' : 'off'),
    dataDir: resolve(d.DATA_DIR),
  };
}

export const isLoopback = (host: string): boolean =>
  host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
