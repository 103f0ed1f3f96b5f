-- API tokens: client-credentials tokens (secret stored only as a hash) and
-- the records of signed access tokens, of a tenant or of a user in it.
CREATE TABLE api_tokens (
    id                 TEXT    PRIMARY KEY,
    env_id             TEXT    NOT NULL,
    tenant_id          TEXT    NOT NULL,
    user_id            TEXT    NOT NULL DEFAULT '',
    type               TEXT    NOT NULL,
    description        TEXT    NOT NULL DEFAULT '',
    secret_hash        BLOB,
    metadata           TEXT    NOT NULL DEFAULT '',
    role_ids           TEXT    NOT NULL,
    permission_ids     TEXT    NOT NULL,
    created_by_user_id TEXT    NOT NULL DEFAULT '',
    created_at         INTEGER NOT NULL,
    expires_at         INTEGER
) STRICT;
CREATE INDEX api_tokens_tenant ON api_tokens (env_id, tenant_id, created_at);
CREATE INDEX api_tokens_user ON api_tokens (env_id, user_id, created_at) WHERE user_id <> '';
