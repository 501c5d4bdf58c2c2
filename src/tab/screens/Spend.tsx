import { Tab, TabList, Title2 } from '@fluentui/react-components';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { navigate } from '../router.ts';
import { useSession } from '../session.tsx';
import { OrderDetail, Orders } from './spend/Orders.tsx';
import { PriceLists } from './spend/PriceLists.tsx';
import { Rates } from './spend/Rates.tsx';
import { Leakage, Prices, Turnover } from './spend/Reports.tsx';
import { useSpendStyles } from './spend/shared.tsx';
import { Upload } from './spend/Upload.tsx';
import '../strings/spend.ts';

const ADMIN_SECTIONS = [
  'upload',
  'rates',
  'pricelists',
  'turnover',
  'leakage',
  'prices',
  'orders',
] as const;

/**
 * Innkjøpsanalyse: `#/spend/<section>` — for Kontraktservice the invoice import, exchange rates and
 * price indices, the agreements' price lists, the three reports and the orders; for unit users only the orders ("Bestill
 * innkjøpsanalyse"), `#/spend/orders/<id>`.
 */
export default function Spend({
  segments,
  query,
}: {
  segments: readonly string[];
  query: URLSearchParams;
}) {
  const { t } = useTranslation();
  const styles = useSpendStyles();
  const session = useSession();
  const isKs = session.me.role === 'kontraktservice';
  const sections = isKs ? ADMIN_SECTIONS : (['orders'] as const);
  const wanted = segments[0] ?? (isKs ? 'turnover' : 'orders');
  const section = (sections as readonly string[]).includes(wanted) ? wanted : sections[0];
  // Bumped after an import, so the reports load the new data.
  const [dataKey, setDataKey] = useState(0);
  const orderId = section === 'orders' ? (segments[1] ?? null) : null;

  return (
    <section className={styles.root} aria-labelledby="spend-heading">
      <Title2 as="h2" id="spend-heading">
        {t('spend.heading')}
      </Title2>
      {sections.length > 1 && (
        <TabList
          aria-label={t('spend.sections')}
          selectedValue={section}
          onTabSelect={(_e, d) => navigate(`#/spend/${String(d.value)}`)}
        >
          {sections.map((s) => (
            <Tab key={s} value={s}>
              {t(`spend.${s}`)}
            </Tab>
          ))}
        </TabList>
      )}
      {section === 'upload' && (
        <Upload dataKey={dataKey} onIngested={() => setDataKey((k) => k + 1)} />
      )}
      {section === 'rates' && <Rates onChanged={() => setDataKey((k) => k + 1)} />}
      {section === 'pricelists' && <PriceLists onChanged={() => setDataKey((k) => k + 1)} />}
      {section === 'turnover' && <Turnover dataKey={dataKey} />}
      {section === 'leakage' && <Leakage dataKey={dataKey} />}
      {section === 'prices' && <Prices dataKey={dataKey} />}
      {section === 'orders' &&
        (orderId ? (
          // Keyed: another order starts afresh (no data, dialog or notice of the one before).
          <OrderDetail key={orderId} id={orderId} />
        ) : (
          <Orders agreementId={query.get('agreementId')} />
        ))}
    </section>
  );
}
