-- 0001_init: every record of package store.
--
-- Times are INTEGER microseconds since the Unix epoch, UTC; NULL means an
-- unset optional time. Booleans are INTEGER 0/1. Slices are JSON arrays in
-- TEXT. email_key and username_key hold the lower-cased e-mail and username
-- (lower-cased by Go, so the comparison covers Unicode, not only ASCII).

CREATE TABLE environments (
    id          TEXT    NOT NULL PRIMARY KEY,
    client_id   TEXT    NOT NULL UNIQUE,
    secret_hash BLOB,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX environments_created ON environments (created_at);

CREATE TABLE env_configs (
    env_id     TEXT    NOT NULL PRIMARY KEY,
    data       TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE tenants (
    id         TEXT    NOT NULL PRIMARY KEY,
    env_id     TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    parent_id  TEXT    NOT NULL,
    metadata   TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX tenants_env_created ON tenants (env_id, created_at);
-- The parent key of memberships (tenant_id, env_id).
CREATE UNIQUE INDEX tenants_id_env ON tenants (id, env_id);

CREATE TABLE users (
    id                  TEXT    NOT NULL PRIMARY KEY,
    env_id              TEXT    NOT NULL,
    email               TEXT    NOT NULL,
    email_key           TEXT    NOT NULL,
    username            TEXT    NOT NULL,
    username_key        TEXT    NOT NULL,
    name                TEXT    NOT NULL,
    phone_number        TEXT    NOT NULL,
    profile_picture_url TEXT    NOT NULL,
    provider            TEXT    NOT NULL,
    verified            INTEGER NOT NULL,
    locked              INTEGER NOT NULL,
    mfa_bypass          INTEGER NOT NULL,
    super_user          INTEGER NOT NULL,
    invisible           INTEGER NOT NULL,
    metadata            TEXT    NOT NULL,
    vendor_metadata     TEXT    NOT NULL,
    external_id         TEXT    NOT NULL,
    active_tenant_id    TEXT    NOT NULL,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    last_login          INTEGER
);
CREATE UNIQUE INDEX users_env_email ON users (env_id, email_key) WHERE email_key <> '';
CREATE UNIQUE INDEX users_env_username ON users (env_id, username_key) WHERE username_key <> '';
-- The parent key of memberships (user_id, env_id).
CREATE UNIQUE INDEX users_id_env ON users (id, env_id);

-- A membership joins a user and a tenant of its own environment: the foreign
-- keys include env_id.
CREATE TABLE memberships (
    user_id    TEXT    NOT NULL,
    tenant_id  TEXT    NOT NULL,
    env_id     TEXT    NOT NULL,
    role_ids   TEXT    NOT NULL,
    disabled   INTEGER NOT NULL,
    expires_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, tenant_id),
    FOREIGN KEY (user_id, env_id) REFERENCES users (id, env_id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, env_id) REFERENCES tenants (id, env_id) ON DELETE CASCADE
);
CREATE INDEX memberships_tenant ON memberships (tenant_id);

CREATE TABLE passwords (
    user_id    TEXT    NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    hash       TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE sessions (
    id           TEXT    NOT NULL PRIMARY KEY,
    env_id       TEXT    NOT NULL,
    user_id      TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id    TEXT    NOT NULL,
    amr          TEXT    NOT NULL,
    auth_time    INTEGER NOT NULL,
    user_agent   TEXT    NOT NULL,
    ip           TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    revoked_at   INTEGER
);
CREATE INDEX sessions_user ON sessions (user_id, created_at);

CREATE TABLE refresh_tokens (
    id         TEXT    NOT NULL PRIMARY KEY,
    session_id TEXT    NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    env_id     TEXT    NOT NULL,
    hash       BLOB    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE UNIQUE INDEX refresh_tokens_hash ON refresh_tokens (hash);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

CREATE TABLE signing_keys (
    id           TEXT    NOT NULL PRIMARY KEY,
    env_id       TEXT    NOT NULL,
    algorithm    TEXT    NOT NULL,
    private_key  BLOB,
    created_at   INTEGER NOT NULL,
    retired_at   INTEGER,
    verify_until INTEGER
);
CREATE INDEX signing_keys_env_created ON signing_keys (env_id, created_at);

CREATE TABLE one_time_tokens (
    id         TEXT    NOT NULL PRIMARY KEY,
    env_id     TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    user_id    TEXT    NOT NULL,
    tenant_id  TEXT    NOT NULL,
    hash       BLOB    NOT NULL,
    data       TEXT    NOT NULL,
    attempts   INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE UNIQUE INDEX one_time_tokens_kind_hash ON one_time_tokens (kind, hash);
CREATE INDEX one_time_tokens_user_kind ON one_time_tokens (user_id, kind);
