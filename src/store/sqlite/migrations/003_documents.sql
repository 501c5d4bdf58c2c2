-- Documents of the contract phase and their filing into the archive (issue 6).
-- One row per registry entry (journalpost); its files in document_files (1 = main document).
-- No foreign key to contracts: a filed document is the archive's legal record and must outlive
-- the removal of a contract from the register; the service checks the contract on upload.

CREATE TABLE documents (
  id TEXT PRIMARY KEY,
  contract_id TEXT NOT NULL,
  task_id TEXT,
  idempotency_key TEXT,
  title TEXT NOT NULL,
  public_title TEXT NOT NULL,
  entry_type TEXT NOT NULL CHECK (entry_type IN ('I', 'U', 'N', 'X')),
  document_type TEXT NOT NULL,
  document_status TEXT NOT NULL CHECK (document_status IN ('B', 'F')),
  document_date TEXT,
  description TEXT,
  access_code TEXT,                    -- tilgangsrestriksjon; NULL = not screened
  legal_basis TEXT,                    -- skjermingshjemmel
  screened_words TEXT NOT NULL DEFAULT '[]',
  correspondent_name TEXT,
  correspondent_orgnr TEXT,
  status TEXT NOT NULL CHECK (status IN ('pending', 'filed', 'failed')),
  archive_reference TEXT,
  fagsystem TEXT NOT NULL,
  case_key TEXT NOT NULL,
  entry_key TEXT NOT NULL UNIQUE,      -- external key (noekkel): stable across retries
  failure_reason TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_by_name TEXT NOT NULL,
  filed_at TEXT,
  updated_at TEXT NOT NULL,
  CHECK ((access_code IS NULL) = (legal_basis IS NULL)),
  CHECK (status <> 'filed' OR archive_reference IS NOT NULL),
  CHECK (status <> 'failed' OR failure_reason IS NOT NULL)
);
CREATE INDEX documents_contract ON documents(contract_id, created_at);
CREATE INDEX documents_task ON documents(task_id) WHERE task_id IS NOT NULL;
CREATE INDEX documents_unfiled ON documents(status) WHERE status <> 'filed';
CREATE UNIQUE INDEX documents_idempotency ON documents(contract_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

CREATE TABLE document_files (
  document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  n INTEGER NOT NULL CHECK (n >= 1),
  file_name TEXT NOT NULL,             -- sanitised display name (filnavn)
  package_name TEXT NOT NULL,          -- ASCII name in the package (referanseDokumentfil)
  stored_path TEXT NOT NULL,           -- relative to the data folder
  media_type TEXT NOT NULL,
  extension TEXT NOT NULL,
  size INTEGER NOT NULL CHECK (size > 0),
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  variant TEXT NOT NULL CHECK (variant IN ('P', 'A')),
  format_details TEXT,
  PRIMARY KEY (document_id, n),
  UNIQUE (document_id, package_name)
);
