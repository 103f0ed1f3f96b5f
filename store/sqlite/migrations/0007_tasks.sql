-- Tasks: bulk operations (such as bulk invitations) whose status the API
-- reports when polled.
CREATE TABLE tasks (
    id         TEXT    NOT NULL PRIMARY KEY,
    env_id     TEXT    NOT NULL,
    tenant_id  TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    status     TEXT    NOT NULL,
    data       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
