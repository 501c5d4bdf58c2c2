-- Follow-up, after 002: plan fingerprints (regeneration skips unchanged contracts), activity texts
-- stored once, channel announcements and their outbox. IF NOT EXISTS: databases from before this
-- migration got these tables from the follow-up store itself.
CREATE TABLE IF NOT EXISTS followup_plan_state (
  contract_id TEXT PRIMARY KEY,
  fingerprint TEXT NOT NULL,          -- hash of contract version, routines, settings, planner version
  review_on TEXT                      -- the plan may change with time from this Oslo date (horizon, termination)
);

-- Activity texts (title, description) stored once and referenced by tasks (data.textId), instead of
-- a copy in every task row: the task table stays small, so plans load and write fast.
CREATE TABLE IF NOT EXISTS followup_task_texts (
  id TEXT PRIMARY KEY,                -- hash of the JSON
  data TEXT NOT NULL                  -- { title, description } as JSON
);

CREATE TABLE IF NOT EXISTS followup_announcements (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('routine_update', 'course', 'general')),
  data TEXT NOT NULL,                 -- title, text, link, course, routine reference (JSON)
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS followup_announcements_created ON followup_announcements(created_at, id);

CREATE TABLE IF NOT EXISTS followup_channel_outbox (
  id INTEGER PRIMARY KEY,
  idempotency_key TEXT NOT NULL UNIQUE,  -- announcement id | conversation id
  announcement_id TEXT NOT NULL REFERENCES followup_announcements(id),
  conversation_id TEXT NOT NULL,         -- the channel (rate limits are per conversation)
  channel_name TEXT,
  not_before INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  lease_owner TEXT,
  lease_until INTEGER,
  last_attempt_at INTEGER,
  sent_at INTEGER,
  last_error TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS followup_channel_outbox_due ON followup_channel_outbox(state, not_before);
CREATE INDEX IF NOT EXISTS followup_channel_outbox_announcement ON followup_channel_outbox(announcement_id);
CREATE INDEX IF NOT EXISTS followup_channel_outbox_attempt ON followup_channel_outbox(conversation_id, last_attempt_at);

-- Tasks a person reassigned before the manuallyAssigned flag existed get it from their history, so
-- regeneration never needs to read the history.
UPDATE followup_tasks SET data = json_set(data, '$.manuallyAssigned', json('true'))
WHERE id IN (SELECT task_id FROM followup_task_history
             WHERE action = 'reassigned' AND actor_id <> 'system');
