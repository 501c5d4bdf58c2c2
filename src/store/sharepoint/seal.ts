// Confidential values sealed at rest in the SharePoint lists (AES-256-GCM, node:crypto). With on-behalf-of
// tokens contract owners need *Contribute* on Kontrakter and Endringslogg, and SharePoint cannot grant
// editing without viewing: without sealing an owner could read every contract's confidential values in
// SharePoint directly, past `projectContract`. So when the register store serialises a contract, every
// value of a field marked confidential in that contract is replaced by an envelope
// `{ "$sealed": "v1:<keyId>:<iv>:<ciphertext+tag>" }` (base64url), authenticated together with the
// contract id and the field name (additional authenticated data): an envelope moved to another contract
// or field, or changed by a single bit, does not open. Audit entries seal the before/after values of
// every change to a field that was or is confidential. Reading opens the envelopes, so everything above
// the store is unchanged; a plain value is accepted on read (data written before sealing was turned on).
// See docs/sharepoint.md, "Confidential values sealed at rest".
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import {
  type AuditEntry,
  type ConfidentialField,
  type Contract,
  confidentialFieldOf,
  type FieldChange,
} from '../../core/index.ts';

export const SEAL_VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** One AES-256 key with its id (the first 8 hex characters of the key's SHA-256). */
export interface SealKey {
  readonly id: string;
  readonly secret: Buffer;
}

/** A sealed value as it is stored in the JSON. */
export interface Envelope {
  readonly $sealed: string;
}

/** Why an envelope did not open. */
export type SealFailure = 'no_key' | 'unknown_key' | 'tampered' | 'malformed';

/**
 * An envelope that cannot be opened (no key, a key this instance does not have, tampering). The API
 * answers 500 with this message (src/api/errors.ts), never with garbage; the key itself is never named.
 */
export class SealError extends Error {
  constructor(
    readonly reason: SealFailure,
    message: string,
  ) {
    super(message);
    this.name = 'SealError';
  }
}

/** Reads a key from its setting: base64 (or base64url) of exactly 32 bytes. Never echoes the value. */
export function parseSealKey(text: string, variable: string): SealKey {
  const t = text.trim();
  const secret = /^[A-Za-z0-9+/_-]{43}=?$/.test(t) ? Buffer.from(t, 'base64') : Buffer.alloc(0);
  if (secret.length !== 32) {
    throw new Error(
      `${variable} er ugyldig: den skal være base64 av nøyaktig 32 tilfeldige byte ` +
        '(lag en med «openssl rand -base64 32», se docs/deploy.md)',
    );
  }
  return { id: createHash('sha256').update(secret).digest('hex').slice(0, 8), secret };
}

export function isEnvelope(v: unknown): v is Envelope {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && keys[0] === '$sealed' && typeof (v as Envelope).$sealed === 'string';
}

/** The key id an envelope names (null when it is not of this version's form). */
export function keyIdOf(e: Envelope): string | null {
  const parts = e.$sealed.split(':');
  return parts.length === 4 && parts[0] === SEAL_VERSION ? (parts[1] as string) : null;
}

const b64 = (b: Buffer) => b.toString('base64url');

/** Seals with the current key; opens with the current or any previous key (rotation). */
export class Sealer {
  private readonly keys: ReadonlyMap<string, SealKey>;

  constructor(
    readonly current: SealKey,
    previous: readonly SealKey[] = [],
  ) {
    this.keys = new Map([...previous, current].map((k) => [k.id, k]));
  }

  get keyId(): string {
    return this.current.id;
  }

  seal(value: unknown, aad: string): Envelope {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.secret, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([
      cipher.update(JSON.stringify(value ?? null), 'utf8'),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    return { $sealed: `${SEAL_VERSION}:${this.current.id}:${b64(iv)}:${b64(body)}` };
  }

  open(e: Envelope, aad: string): unknown {
    const parts = e.$sealed.split(':');
    const [version, keyId, ivText, bodyText] = parts;
    if (parts.length !== 4 || version !== SEAL_VERSION || !keyId || !ivText || !bodyText) {
      throw new SealError('malformed', 'en forseglet verdi har ukjent form');
    }
    const key = this.keys.get(keyId);
    if (!key) {
      throw new SealError(
        'unknown_key',
        `en verdi er forseglet med nøkkel ${keyId.slice(0, 8)}, som verken er SHAREPOINT_SEAL_KEY ` +
          `(${this.current.id}) eller SHAREPOINT_SEAL_KEY_PREVIOUS`,
      );
    }
    const iv = Buffer.from(ivText, 'base64url');
    const body = Buffer.from(bodyText, 'base64url');
    if (iv.length !== IV_BYTES || body.length < TAG_BYTES) {
      throw new SealError('malformed', 'en forseglet verdi har ukjent form');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.secret, iv);
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      const text = Buffer.concat([
        decipher.update(body.subarray(0, body.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
      return JSON.parse(text) as unknown;
    } catch {
      throw new SealError(
        'tampered',
        'en forseglet verdi er endret eller flyttet fra en annen avtale eller et annet felt',
      );
    }
  }
}

/** SHAREPOINT_SEAL_KEY and SHAREPOINT_SEAL_KEY_PREVIOUS; null when no key is set. */
export function sealerFromEnv(env: NodeJS.ProcessEnv): Sealer | null {
  const current = env.SHAREPOINT_SEAL_KEY?.trim();
  const previous = env.SHAREPOINT_SEAL_KEY_PREVIOUS?.trim();
  if (!current) {
    if (previous) {
      throw new Error('SHAREPOINT_SEAL_KEY_PREVIOUS er satt uten SHAREPOINT_SEAL_KEY');
    }
    return null;
  }
  return new Sealer(
    parseSealKey(current, 'SHAREPOINT_SEAL_KEY'),
    previous ? [parseSealKey(previous, 'SHAREPOINT_SEAL_KEY_PREVIOUS')] : [],
  );
}

function openWith(sealer: Sealer | null, value: unknown, aad: string): unknown {
  if (!isEnvelope(value)) return value; // plain: written before sealing was turned on
  if (!sealer) {
    throw new SealError(
      'no_key',
      'verdiene er forseglet, men SHAREPOINT_SEAL_KEY er ikke satt på denne instansen',
    );
  }
  return sealer.open(value, aad);
}

type Json = Record<string, unknown>;

/** Additional authenticated data of a contract field: the contract and the field it belongs to. */
const contractAad = (contractId: string, field: string) =>
  `kontrakt\u0000${contractId}\u0000${field}`;
const termsField = (orgnr: string) => `supplierTerms\u0000${orgnr}`;

/** Top-level fields sealed whole when marked (suppliers: with names, orgnrs and terms). */
const WHOLE: readonly (ConfidentialField & keyof Contract)[] = [
  'title',
  'description',
  'suppliers',
  'estimatedValueOre',
  'maxValueOre',
  'priceAdjustment',
  'options',
];

/**
 * The contract as it is stored: every value of a field marked confidential in it sealed (supplier
 * terms alone: each supplier's `terms`), everything else plain. Key order is kept, so opening gives
 * back the same JSON. Without a sealer the contract is stored as it is.
 */
export function sealContract(sealer: Sealer | null, c: Contract): Json {
  const out: Json = { ...c };
  if (!sealer) return out;
  for (const field of WHOLE) {
    if (c.confidential[field] && Object.hasOwn(c, field)) {
      out[field] = sealer.seal(c[field], contractAad(c.id, field));
    }
  }
  if (c.confidential.supplierTerms && !c.confidential.suppliers) {
    out.suppliers = c.suppliers.map((s) => ({
      ...s,
      terms: sealer.seal(s.terms, contractAad(c.id, termsField(s.orgnr))),
    }));
  }
  return out;
}

/** Opens a stored contract (plain values are taken as they are). Throws SealError. */
export function openContract(sealer: Sealer | null, stored: Json): Contract {
  const id = String(stored.id ?? '');
  const out: Json = {};
  for (const [field, value] of Object.entries(stored)) {
    out[field] = openWith(sealer, value, contractAad(id, field));
  }
  if (Array.isArray(out.suppliers)) {
    out.suppliers = (out.suppliers as Json[]).map((s) =>
      isEnvelope(s?.terms)
        ? { ...s, terms: openWith(sealer, s.terms, contractAad(id, termsField(String(s.orgnr)))) }
        : s,
    );
  }
  return out as unknown as Contract;
}

/** Whether an audit entry's change carries values of a field that is or was confidential. */
function sensitiveChange(entry: Pick<AuditEntry, 'sensitive'>, ch: FieldChange): boolean {
  const field = confidentialFieldOf(ch.field);
  if (field === null) return false;
  return (
    entry.sensitive.includes(field) ||
    (field === 'suppliers' && entry.sensitive.includes('supplierTerms'))
  );
}

const auditAad = (e: Pick<AuditEntry, 'id' | 'entity' | 'entityId'>, field: string, side: string) =>
  `endringslogg\u0000${e.id}\u0000${e.entity}:${e.entityId}\u0000${field}\u0000${side}`;

/**
 * An audit entry as it is stored: the before and after values of every change to a field that was or
 * is confidential (`sensitive`) sealed, bound to the entry, the field and the side. The audit log
 * masks these only on read (`projectAuditEntry`), so at rest they would otherwise be in clear.
 */
export function sealAuditEntry(sealer: Sealer | null, e: AuditEntry): Json {
  if (!sealer || e.sensitive.length === 0) return { ...e };
  return {
    ...e,
    changes: e.changes.map((ch) =>
      sensitiveChange(e, ch)
        ? {
            ...ch,
            from: sealer.seal(ch.from, auditAad(e, ch.field, 'from')),
            to: sealer.seal(ch.to, auditAad(e, ch.field, 'to')),
          }
        : ch,
    ),
  };
}

/** Opens a stored audit entry. Throws SealError. */
export function openAuditEntry(sealer: Sealer | null, stored: Json): AuditEntry {
  const e = stored as unknown as AuditEntry;
  if (!Array.isArray(e.changes)) return e;
  return {
    ...e,
    changes: e.changes.map((ch) =>
      isEnvelope(ch.from) || isEnvelope(ch.to)
        ? {
            ...ch,
            from: openWith(sealer, ch.from, auditAad(e, ch.field, 'from')),
            to: openWith(sealer, ch.to, auditAad(e, ch.field, 'to')),
          }
        : ch,
    ),
  };
}

/** The key ids of every envelope in a stored JSON value (deep). */
export function envelopeKeyIds(value: unknown, out: string[] = []): string[] {
  if (isEnvelope(value)) out.push(keyIdOf(value) ?? '?');
  else if (Array.isArray(value)) for (const v of value) envelopeKeyIds(v, out);
  else if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) envelopeKeyIds(v, out);
  }
  return out;
}

/**
 * Whether a stored value must be sealed again: an envelope made with another key than the current
 * one, or a value that should be sealed but is plain (or the other way round). `expected` is the
 * opened value sealed afresh.
 */
export function needsReseal(sealer: Sealer, stored: unknown, expected: unknown): boolean {
  const have = envelopeKeyIds(stored);
  return have.some((id) => id !== sealer.keyId) || have.length !== envelopeKeyIds(expected).length;
}
