import type { PublicAgreement } from '../core/public-agreement.ts';
import { divisionName } from './i18n.ts';
import type { PublicSettings } from './settings.ts';

/** OCDS 1.1 codes for the register's procedures (procurementMethod) and contract types. */
const METHOD: Record<PublicAgreement['procedure'], 'open' | 'selective' | 'limited' | 'direct'> = {
  open: 'open',
  restricted: 'selective',
  competition_with_negotiation: 'selective',
  negotiated: 'limited',
  below_threshold: 'open',
  mini_competition: 'selective',
  direct_award: 'direct',
};
const CATEGORY: Record<PublicAgreement['type'], 'goods' | 'services' | 'works'> = {
  goods: 'goods',
  services: 'services',
  construction: 'works',
  health_social: 'services',
};
const CONTRACT_STATUS: Record<PublicAgreement['status'], 'active' | 'terminated'> = {
  active: 'active',
  expiring: 'active',
  expired: 'terminated',
  terminated: 'terminated',
};

const offsetFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Europe/Oslo',
  timeZoneName: 'longOffset',
});

/** A calendar date in Oslo as an ISO date-time with the offset in force on that day. */
export function osloDateTime(date: string, endOfDay = false): string {
  const noon = new Date(`${date}T12:00:00Z`);
  const name = offsetFormat.formatToParts(noon).find((p) => p.type === 'timeZoneName')?.value;
  const offset = name?.replace('GMT', '') || '+00:00';
  return `${date}T${endOfDay ? '23:59:59' : '00:00:00'}${offset === '' ? '+00:00' : offset}`;
}

const slug = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '-');

export interface OcdsOptions {
  readonly settings: PublicSettings;
  readonly publishedDate: string;
}

/**
 * An OCDS 1.1 release package: one release per framework agreement, tagged `contract`, with the
 * agreement as a contract (period, value where public, items by CPV), the suppliers as parties and
 * an award that names them (OCDS links a contract to suppliers through its award). Withheld fields
 * are left out. `tender.techniques.hasFrameworkAgreement` follows the techniques extension.
 */
export function ocdsReleasePackage(agreements: readonly PublicAgreement[], o: OcdsOptions) {
  const s = o.settings;
  const buyerId = s.organisationOrgnr ? `NO-BRC-${s.organisationOrgnr}` : 'buyer';
  const buyer = {
    id: buyerId,
    name: s.organisationName,
    ...(s.organisationOrgnr
      ? { identifier: { scheme: 'NO-BRC', id: s.organisationOrgnr, legalName: s.organisationName } }
      : {}),
    roles: ['buyer', 'procuringEntity'],
    ...(s.contactEmail || s.contactUrl
      ? {
          contactPoint: {
            name: s.organisationName,
            ...(s.contactEmail ? { email: s.contactEmail } : {}),
            ...(s.contactUrl ? { url: s.contactUrl } : {}),
          },
        }
      : {}),
  };
  const releases = agreements.map((a) => {
    const ocid = `${s.ocidPrefix}-${slug(a.reference)}`;
    const suppliers = (a.suppliers ?? []).map((sup) => ({
      id: `NO-BRC-${sup.orgnr}`,
      name: sup.name,
      identifier: { scheme: 'NO-BRC', id: sup.orgnr, legalName: sup.name },
      roles: ['supplier'],
    }));
    const items = a.cpvCodes.map((code, i) => ({
      id: String(i + 1),
      ...(a.title ? { description: a.title } : {}),
      classification: {
        scheme: 'CPV',
        id: code.replace(/-\d$/, ''),
        ...(divisionName(code, 'nb') ? { description: divisionName(code, 'nb') } : {}),
      },
    }));
    const value =
      a.maxValueOre !== null
        ? { amount: a.maxValueOre / 100, currency: 'NOK' }
        : a.estimatedValueOre !== null
          ? { amount: a.estimatedValueOre / 100, currency: 'NOK' }
          : null;
    const period = {
      ...(a.startDate ? { startDate: osloDateTime(a.startDate) } : {}),
      ...(a.currentEndDate ? { endDate: osloDateTime(a.currentEndDate, true) } : {}),
      ...(a.maximumEndDate ? { maxExtentDate: osloDateTime(a.maximumEndDate, true) } : {}),
    };
    const awardId = `${slug(a.reference)}-award`;
    const title = a.title ?? undefined;
    const description = a.description || undefined;
    return {
      ocid,
      id: `${slug(a.reference)}-${a.updatedAt.replace(/[^0-9]/g, '').slice(0, 14)}`,
      date: a.updatedAt,
      tag: ['contract'],
      initiationType: 'tender',
      language: 'nb',
      parties: [buyer, ...suppliers],
      buyer: { id: buyerId, name: s.organisationName },
      tender: {
        id: slug(a.reference),
        ...(title ? { title } : {}),
        status: 'complete',
        mainProcurementCategory: CATEGORY[a.type],
        procurementMethod: METHOD[a.procedure],
        procurementMethodDetails: a.procedure,
        items,
        techniques: { hasFrameworkAgreement: true },
      },
      awards: [
        {
          id: awardId,
          ...(title ? { title } : {}),
          status: 'active',
          suppliers: suppliers.map((x) => ({ id: x.id, name: x.name })),
          ...(a.startDate ? { date: osloDateTime(a.startDate) } : {}),
        },
      ],
      contracts: [
        {
          id: slug(a.reference),
          awardID: awardId,
          ...(title ? { title } : {}),
          ...(description ? { description } : {}),
          status: CONTRACT_STATUS[a.status],
          ...(Object.keys(period).length ? { period } : {}),
          ...(value ? { value } : {}),
          items,
          documents: [
            {
              id: 'catalogue-page',
              documentType: 'contractNotice',
              title: title ?? a.reference,
              url: `${s.baseUrl}/rammeavtaler/avtale/${encodeURIComponent(a.reference)}`,
              format: 'text/html',
              language: 'nb',
            },
          ],
        },
      ],
    };
  });
  return {
    uri: `${s.baseUrl}/api/public/ocds`,
    version: '1.1',
    extensions: [
      'https://raw.githubusercontent.com/open-contracting-extensions/ocds_techniques_extension/master/extension.json',
    ],
    publishedDate: o.publishedDate,
    publisher: {
      name: s.organisationName,
      ...(s.organisationOrgnr ? { scheme: 'NO-BRC', uid: s.organisationOrgnr } : {}),
      uri: `${s.baseUrl}/rammeavtaler`,
    },
    license: 'https://data.norge.no/nlod/no/2.0',
    publicationPolicy: `${s.baseUrl}/rammeavtaler`,
    releases,
  };
}
