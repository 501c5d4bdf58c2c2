-- Follow-up: routines (as data), settings, tasks with append-only history, the notification outbox,
-- and the bot's saved conversation references.

CREATE TABLE followup_routines (
  id TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  data TEXT NOT NULL,                  -- the routine as JSON (validated by routineSchema)
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
);

CREATE TABLE followup_settings (
  id TEXT PRIMARY KEY CHECK (id = 'default'),
  data TEXT NOT NULL,                  -- FollowUpSettings as JSON
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
);

CREATE TABLE followup_tasks (
  id TEXT PRIMARY KEY,                 -- deterministic: contract id | activity id | occurrence
  contract_id TEXT NOT NULL,
  routine_id TEXT NOT NULL,
  activity_id TEXT NOT NULL,
  occurrence TEXT NOT NULL,
  responsible_role TEXT NOT NULL CHECK (responsible_role IN ('owner', 'manager', 'kontraktservice')),
  assignee_id TEXT,
  unit_id TEXT NOT NULL,
  due_date TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('open', 'snoozed', 'done', 'skipped', 'cancelled')),
  snoozed_until TEXT,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  data TEXT NOT NULL                   -- the rest of the task as JSON (texts, lead times, outcome)
);
CREATE INDEX followup_tasks_contract ON followup_tasks(contract_id);
CREATE INDEX followup_tasks_assignee ON followup_tasks(assignee_id, state, due_date);
CREATE INDEX followup_tasks_unit ON followup_tasks(unit_id, state, due_date);
CREATE INDEX followup_tasks_open_due ON followup_tasks(state, due_date);

CREATE TABLE followup_task_history (
  id INTEGER PRIMARY KEY,
  task_id TEXT NOT NULL REFERENCES followup_tasks(id) ON DELETE CASCADE,
  at TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  action TEXT NOT NULL,
  from_value TEXT,
  to_value TEXT,
  comment TEXT
);
CREATE INDEX followup_task_history_task ON followup_task_history(task_id, id);

CREATE TABLE followup_outbox (
  id INTEGER PRIMARY KEY,
  idempotency_key TEXT NOT NULL UNIQUE,
  recipient_user_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('upcoming', 'due', 'overdue')),
  due_date TEXT NOT NULL,
  lead_days INTEGER NOT NULL,
  not_before INTEGER NOT NULL,         -- epoch ms: earliest send (and next retry)
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  lease_owner TEXT,
  lease_until INTEGER,                 -- epoch ms
  last_attempt_at INTEGER,             -- epoch ms, written before each send (rate limits survive a crash)
  sent_at INTEGER,                     -- epoch ms
  last_error TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX followup_outbox_due ON followup_outbox(state, not_before);
CREATE INDEX followup_outbox_recipient_attempt ON followup_outbox(recipient_user_id, last_attempt_at);

-- Written by the bot on install (personal chat or team channel); read by the proactive sender.
CREATE TABLE conversation_refs (
  user_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  reference_json TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('personal', 'channel')),
  updated_at TEXT NOT NULL,
  PRIMARY KEY (user_id, conversation_id)
);
CREATE INDEX conversation_refs_kind ON conversation_refs(user_id, kind);
