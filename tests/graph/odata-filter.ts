// A strict parser for the subset of OData `$filter` that SharePoint list items accept through Graph:
// comparisons on `fields/<Name>` with eq, ne, lt, le, gt, ge against string, number, boolean or null
// literals, combined with `and` / `or` and parentheses. Anything else is a 400, as on Graph.

export type Literal = string | number | boolean | null;
export type FilterNode =
  | { readonly kind: 'cmp'; readonly field: string; readonly op: string; readonly value: Literal }
  | { readonly kind: 'and' | 'or'; readonly left: FilterNode; readonly right: FilterNode };

export class FilterSyntaxError extends Error {}

const TOKEN =
  /\s*(?:(\()|(\))|('(?:[^']|'')*')|(-?\d+(?:\.\d+)?)|(fields\/[A-Za-z_][A-Za-z0-9_]*)|([A-Za-z]+))/y;

type Tok =
  | { t: '(' }
  | { t: ')' }
  | { t: 'lit'; v: Literal }
  | { t: 'field'; v: string }
  | { t: 'word'; v: string };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(src);
    if (!m) throw new FilterSyntaxError(`Syntax error at position ${pos} in '${src}'`);
    pos = TOKEN.lastIndex;
    if (m[1]) out.push({ t: '(' });
    else if (m[2]) out.push({ t: ')' });
    else if (m[3]) out.push({ t: 'lit', v: m[3].slice(1, -1).replace(/''/g, "'") });
    else if (m[4]) out.push({ t: 'lit', v: Number(m[4]) });
    else if (m[5]) out.push({ t: 'field', v: m[5].slice('fields/'.length) });
    else if (m[6]) {
      const w = m[6];
      if (w === 'true' || w === 'false') out.push({ t: 'lit', v: w === 'true' });
      else if (w === 'null') out.push({ t: 'lit', v: null });
      else out.push({ t: 'word', v: w });
    }
  }
  return out;
}

const OPS = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);

export function parseFilter(src: string): FilterNode {
  const toks = tokenize(src);
  let i = 0;
  const peek = () => toks[i];
  const fail = (): never => {
    throw new FilterSyntaxError(`Invalid filter clause: '${src}'`);
  };
  function primary(): FilterNode {
    const t = toks[i++];
    if (!t) return fail();
    if (t.t === '(') {
      const inner = orExpr();
      if (toks[i++]?.t !== ')') fail();
      return inner;
    }
    if (t.t !== 'field') return fail();
    const op = toks[i++];
    if (op?.t !== 'word' || !OPS.has(op.v)) return fail();
    const lit = toks[i++];
    if (lit?.t !== 'lit') return fail();
    return { kind: 'cmp', field: t.v, op: op.v, value: lit.v };
  }
  function andExpr(): FilterNode {
    let left = primary();
    for (let t = peek(); t?.t === 'word' && t.v === 'and'; t = peek()) {
      i++;
      left = { kind: 'and', left, right: primary() };
    }
    return left;
  }
  function orExpr(): FilterNode {
    let left = andExpr();
    for (let t = peek(); t?.t === 'word' && t.v === 'or'; t = peek()) {
      i++;
      left = { kind: 'or', left, right: andExpr() };
    }
    return left;
  }
  const node = orExpr();
  if (i !== toks.length) fail();
  return node;
}

export function filterFields(node: FilterNode): string[] {
  return node.kind === 'cmp'
    ? [node.field]
    : [...filterFields(node.left), ...filterFields(node.right)];
}

function compare(a: unknown, b: Literal): number {
  if (typeof a === 'string' && typeof b === 'string') {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return Number.NaN;
}

export function evaluate(node: FilterNode, fields: Record<string, unknown>): boolean {
  if (node.kind !== 'cmp') {
    return node.kind === 'and'
      ? evaluate(node.left, fields) && evaluate(node.right, fields)
      : evaluate(node.left, fields) || evaluate(node.right, fields);
  }
  const v = fields[node.field] ?? null;
  if (node.value === null || v === null) {
    const same = v === null && node.value === null;
    return node.op === 'eq' ? same : node.op === 'ne' ? !same : false;
  }
  const c = compare(v, node.value);
  if (Number.isNaN(c)) return node.op === 'ne';
  switch (node.op) {
    case 'eq':
      return c === 0;
    case 'ne':
      return c !== 0;
    case 'lt':
      return c < 0;
    case 'le':
      return c <= 0;
    case 'gt':
      return c > 0;
    default:
      return c >= 0;
  }
}
