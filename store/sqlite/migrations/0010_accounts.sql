-- 0010_accounts: the accounts API's tenant fields (alias, status,
-- reseller flag, creator), the indexes behind its listing, and deleting a
-- tenant's settings in one statement.

ALTER TABLE tenants ADD COLUMN alias         TEXT    NOT NULL DEFAULT '';
ALTER TABLE tenants ADD COLUMN status        TEXT    NOT NULL DEFAULT '';
ALTER TABLE tenants ADD COLUMN is_reseller   INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tenants ADD COLUMN creator_name  TEXT    NOT NULL DEFAULT '';
ALTER TABLE tenants ADD COLUMN creator_email TEXT    NOT NULL DEFAULT '';

-- An alias names one tenant of its environment (the identity layer
-- lower-cases it, so an exact comparison is a case-insensitive one).
CREATE UNIQUE INDEX tenants_env_alias ON tenants (env_id, alias) WHERE alias <> '';

-- Every order of QueryTenants, ending in id so the order is total.
DROP INDEX tenants_env_created;
CREATE INDEX tenants_env_created ON tenants (env_id, created_at, id);
CREATE INDEX tenants_env_name ON tenants (env_id, name COLLATE NOCASE, id);
CREATE INDEX tenants_env_id ON tenants (env_id, id);

-- A tenant's settings, whatever their names (DeleteTenantSettings, which
-- names the index: without statistics the planner prefers the primary key's
-- env_id prefix, a scan of the environment's settings).
CREATE INDEX settings_env_tenant ON settings (env_id, tenant_id);
