import { type core, z } from 'zod';

/**
 * Zod's built-in messages in bokmål, short enough to follow a field name: «limit: kan være høyst
 * 200». Schemas that say more (orgnr, CPV, dates) keep their own messages; this covers the rest,
 * which otherwise reach users of the API and the CLI in English. Set once, for every schema in the
 * process, when the core is loaded.
 */
export function norwegianIssueMessage(issue: core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'mangler';
      return `skal være ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case 'too_big':
      return sizeMessage('høyst', issue.maximum, issue.inclusive !== false, issue.origin);
    case 'too_small':
      if (issue.minimum === 1 && issue.inclusive !== false && issue.origin === 'string') {
        return 'kan ikke være tom';
      }
      return sizeMessage('minst', issue.minimum, issue.inclusive !== false, issue.origin);
    case 'invalid_value':
      return issue.values.length === 1
        ? `må være «${String(issue.values[0])}»`
        : `må være en av: ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      return `er ikke ${FORMAT_NAMES[issue.format] ?? 'i riktig format'}`;
    case 'not_multiple_of':
      return `må gå opp i ${String(issue.divisor)}`;
    case 'unrecognized_keys':
      return `${issue.keys.length === 1 ? 'ukjent felt' : 'ukjente felt'}: ${issue.keys.join(', ')}`;
    case 'invalid_union':
      return 'har ingen gyldig form';
    case 'invalid_key':
    case 'invalid_element':
      return 'har en ugyldig verdi';
    default:
      return undefined;
  }
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'tekst',
  number: 'et tall',
  int: 'et heltall',
  bigint: 'et heltall',
  boolean: 'sann eller usann',
  array: 'en liste',
  object: 'et objekt',
  date: 'en dato',
  null: 'tom (null)',
};

const FORMAT_NAMES: Readonly<Record<string, string>> = {
  email: 'en gyldig e-postadresse',
  url: 'en gyldig URL',
  uuid: 'en gyldig UUID',
  date: 'en gyldig dato (ÅÅÅÅ-MM-DD)',
  datetime: 'et gyldig tidspunkt (ISO 8601)',
  regex: 'i riktig format',
};

function sizeMessage(
  bound: 'høyst' | 'minst',
  limit: number | bigint,
  inclusive: boolean,
  origin: string | undefined,
): string {
  const n = Number(limit).toLocaleString('nb-NO');
  const unit = origin === 'string' ? ' tegn' : Number(limit) === 1 ? ' element' : ' elementer';
  if (origin === 'string' || origin === 'array' || origin === 'set') {
    return `${bound === 'høyst' ? 'kan ha' : 'må ha'} ${bound} ${n}${unit}`;
  }
  if (!inclusive) return `må være ${bound === 'høyst' ? 'mindre' : 'større'} enn ${n}`;
  return bound === 'høyst' ? `kan være høyst ${n}` : `må være minst ${n}`;
}

z.config({ customError: norwegianIssueMessage });
