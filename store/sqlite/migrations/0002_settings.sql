-- Named configuration documents per environment ('' tenant) and per tenant.
CREATE TABLE settings (
    env_id     TEXT    NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    tenant_id  TEXT    NOT NULL DEFAULT '',
    name       TEXT    NOT NULL,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (env_id, name, tenant_id)
) WITHOUT ROWID;
