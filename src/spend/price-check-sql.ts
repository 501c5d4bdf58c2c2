/**
 * SQL of the per-line price check: the invoiced unit price per normalised unit against the price
 * allowed on the invoice date (price list, index-adjusted), matched by item number, else GTIN.
 * `lineFilter` narrows the lines (`l` is spend_line). Over-payment per line is
 * (invoiced − allowed) × quantity, rounded half up to whole minor units.
 */
const LINE_FILTER = `l.agreement_id IS NOT NULL AND l.doc_type = 'invoice'
         AND l.unit_price_micro IS NOT NULL AND l.qty_base_micro > 0`;
const PRICE_PERIOD = `p.base_unit = l.base_unit AND p.currency = l.currency
         AND l.issue_date >= p.valid_from AND (p.valid_to IS NULL OR l.issue_date < p.valid_to)`;
const PRICE_COLUMNS = `l.agreement_id, l.supplier_key, coalesce(l.seller_item_id, l.gtin) AS item,
         l.currency, l.doc_id, l.line_no, l.issue_date, l.item_name, l.unit_price_micro,
         l.qty_base_micro, p.allowed_micro`;

export const PRICE_CHECK_SQL = (toleranceBp: number, lineFilter = 'TRUE') => `
  SELECT *,
         CASE WHEN unit_price_micro > allowed_micro
               AND unit_price_micro::HUGEINT * 10000 > allowed_micro::HUGEINT * ${10_000 + Math.max(0, Math.floor(toleranceBp))}
              THEN ((unit_price_micro - allowed_micro)::HUGEINT * qty_base_micro + 5000000000)
                   // 10000000000
              ELSE 0 END AS over_minor
    FROM (
      SELECT ${PRICE_COLUMNS}
        FROM spend_line l
        JOIN spend_allowed_price p
          ON p.agreement_id = l.agreement_id AND p.item_number = l.seller_item_id
       WHERE ${LINE_FILTER} AND ${PRICE_PERIOD} AND (${lineFilter})
      UNION ALL
      SELECT ${PRICE_COLUMNS}
        FROM spend_line l
        JOIN spend_allowed_price p ON p.agreement_id = l.agreement_id AND p.gtin = l.gtin
       WHERE ${LINE_FILTER} AND l.gtin IS NOT NULL AND ${PRICE_PERIOD} AND (${lineFilter})
         AND NOT EXISTS (SELECT 1 FROM spend_allowed_price q
                          WHERE q.agreement_id = l.agreement_id AND q.item_number = l.seller_item_id))`;
