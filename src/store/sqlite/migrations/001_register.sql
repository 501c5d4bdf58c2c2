-- The contract register: contracts with their searchable and filterable columns, the full record as JSON,
-- child tables for filters, a full-text index, the directory (units, users, suppliers) and the audit log.

CREATE TABLE units (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  parent_id TEXT REFERENCES units(id),
  sector TEXT
);

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('kontraktservice', 'contract_owner', 'reader')),
  unit_id TEXT REFERENCES units(id)
);

CREATE TABLE suppliers (
  orgnr TEXT PRIMARY KEY CHECK (length(orgnr) = 9),
  name TEXT NOT NULL
);

CREATE TABLE contracts (
  seq INTEGER PRIMARY KEY,             -- rowid, shared with the FTS index
  id TEXT NOT NULL UNIQUE,
  reference_number TEXT NOT NULL UNIQUE COLLATE NOCASE,
  title TEXT NOT NULL,
  title_key TEXT NOT NULL,             -- Norwegian sort key (æ, ø, å last)
  kind TEXT NOT NULL,
  owning_unit_id TEXT NOT NULL,
  owner_id TEXT NOT NULL,
  manager_id TEXT,
  start_date TEXT,
  end_date TEXT,
  current_end_date TEXT,               -- end date after exercised options (derived on write)
  max_value_ore INTEGER,
  draft INTEGER NOT NULL DEFAULT 0,
  terminated_on TEXT,
  published INTEGER NOT NULL DEFAULT 0,
  suppliers_confidential INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
-- The whole contract as JSON, apart from the narrow row above so that filters, counts and sorts
-- scan small rows and only a page of results reads the records.
CREATE TABLE contract_records (
  seq INTEGER PRIMARY KEY REFERENCES contracts(seq) ON DELETE CASCADE,
  data TEXT NOT NULL
);
CREATE INDEX contracts_current_end ON contracts(current_end_date);
CREATE INDEX contracts_unit ON contracts(owning_unit_id);
CREATE INDEX contracts_owner ON contracts(owner_id);
CREATE INDEX contracts_manager ON contracts(manager_id);
CREATE INDEX contracts_title ON contracts(title_key, reference_number);
CREATE INDEX contracts_updated ON contracts(updated_at);

CREATE TABLE contract_suppliers (
  contract_seq INTEGER NOT NULL REFERENCES contracts(seq) ON DELETE CASCADE,
  orgnr TEXT NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (contract_seq, orgnr)
);
CREATE INDEX contract_suppliers_orgnr ON contract_suppliers(orgnr);

CREATE TABLE contract_categories (
  contract_seq INTEGER NOT NULL REFERENCES contracts(seq) ON DELETE CASCADE,
  code TEXT NOT NULL,
  PRIMARY KEY (contract_seq, code)
);
CREATE INDEX contract_categories_code ON contract_categories(code);

-- Public columns hold a field's text only when the field is not confidential; `restricted` holds the
-- confidential text, matched only for viewers who may see it.
CREATE VIRTUAL TABLE contracts_fts USING fts5(
  title, description, suppliers, refs, categories, restricted,
  tokenize = "unicode61 remove_diacritics 0"
);

CREATE TABLE audit (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  action TEXT NOT NULL,
  changes TEXT NOT NULL,
  sensitive TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX audit_entity ON audit(entity, entity_id, id);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
