-- Session management lists and counts a user's live sessions (the sessions
-- page, the concurrent-sessions limit at every login); revoked sessions
-- pile up over a user's lifetime, so live ones get an index of their own.
CREATE INDEX sessions_user_active ON sessions (user_id, created_at) WHERE revoked_at IS NULL;
