-- Orders of spend analyses (Bestill innkjøpsanalyse) from units to Kontraktservice.
CREATE TABLE IF NOT EXISTS spend_orders (
  id TEXT PRIMARY KEY,
  unit_id TEXT NOT NULL,
  requested_by TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('ordered', 'running', 'done', 'failed', 'cancelled')),
  created_at TEXT NOT NULL,
  version INTEGER NOT NULL,
  data TEXT NOT NULL,          -- the order as JSON (scope, question, answer, summary, document)
  result TEXT                  -- the analysis as JSON once done
);
CREATE INDEX IF NOT EXISTS spend_orders_unit ON spend_orders(unit_id, created_at);
CREATE INDEX IF NOT EXISTS spend_orders_requester ON spend_orders(requested_by, created_at);
CREATE INDEX IF NOT EXISTS spend_orders_state ON spend_orders(state, created_at);
