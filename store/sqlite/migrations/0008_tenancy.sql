-- 0008_tenancy: user queries (users/v3, phrase search), tenant hierarchy,
-- sub-account access and tenant invitation links.

-- Every order of ListUsers, ending in id so the order is total and the
-- page ids come from the index alone.
CREATE INDEX users_env_created ON users (env_id, created_at, id);
CREATE INDEX users_env_name ON users (env_id, name COLLATE NOCASE, id);
CREATE INDEX users_env_email_order ON users (env_id, email_key, id);
CREATE INDEX users_env_id ON users (env_id, id);
CREATE INDEX users_env_verified ON users (env_id, verified, id);
CREATE INDEX users_env_locked ON users (env_id, locked, id);
CREATE INDEX users_env_provider ON users (env_id, provider, id);
CREATE INDEX users_env_active_tenant ON users (env_id, active_tenant_id, id);
-- Filters without an order of their own (username prefixes use the unique
-- users_env_username).
CREATE INDEX users_env_phone ON users (env_id, phone_number);
CREATE INDEX users_env_external_id ON users (env_id, external_id);

-- A tenant's members straight from the index (the user id is in it).
CREATE INDEX memberships_tenant_user ON memberships (tenant_id, user_id);
DROP INDEX memberships_tenant;

ALTER TABLE memberships ADD COLUMN sub_account_access INTEGER NOT NULL DEFAULT 0;

-- Sub-accounts of a tenant.
CREATE INDEX tenants_env_parent ON tenants (env_id, parent_id, created_at, id);

-- Phrase search. Each user gets a stable integer key (an INTEGER PRIMARY
-- KEY survives VACUUM, the users table's implicit rowid may not), which is
-- the rowid of its rows in two contentless FTS5 trigram indexes of its
-- searchable fields: users_search compares case-insensitively,
-- users_search_folded also ignores diacritics. Triggers keep them in step
-- with users.
CREATE TABLE user_search_keys (
    seq     INTEGER PRIMARY KEY,
    user_id TEXT    NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE users_search USING fts5 (
    email, name, username, phone_number, external_id,
    content = '', contentless_delete = 1, tokenize = 'trigram'
);
CREATE VIRTUAL TABLE users_search_folded USING fts5 (
    email, name, username, phone_number, external_id,
    content = '', contentless_delete = 1, tokenize = 'trigram remove_diacritics 2'
);

INSERT INTO user_search_keys (user_id) SELECT id FROM users ORDER BY rowid;
INSERT INTO users_search (rowid, email, name, username, phone_number, external_id)
    SELECT k.seq, u.email, u.name, u.username, u.phone_number, u.external_id
    FROM users u JOIN user_search_keys k ON k.user_id = u.id;
INSERT INTO users_search_folded (rowid, email, name, username, phone_number, external_id)
    SELECT k.seq, u.email, u.name, u.username, u.phone_number, u.external_id
    FROM users u JOIN user_search_keys k ON k.user_id = u.id;

CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN
    INSERT INTO user_search_keys (user_id) VALUES (new.id);
    INSERT INTO users_search (rowid, email, name, username, phone_number, external_id)
        VALUES ((SELECT seq FROM user_search_keys WHERE user_id = new.id),
                new.email, new.name, new.username, new.phone_number, new.external_id);
    INSERT INTO users_search_folded (rowid, email, name, username, phone_number, external_id)
        VALUES ((SELECT seq FROM user_search_keys WHERE user_id = new.id),
                new.email, new.name, new.username, new.phone_number, new.external_id);
END;

CREATE TRIGGER users_search_update AFTER UPDATE OF email, name, username, phone_number, external_id ON users
WHEN old.email IS NOT new.email OR old.name IS NOT new.name OR old.username IS NOT new.username
    OR old.phone_number IS NOT new.phone_number OR old.external_id IS NOT new.external_id
BEGIN
    UPDATE users_search SET email = new.email, name = new.name, username = new.username,
        phone_number = new.phone_number, external_id = new.external_id
        WHERE rowid = (SELECT seq FROM user_search_keys WHERE user_id = new.id);
    UPDATE users_search_folded SET email = new.email, name = new.name, username = new.username,
        phone_number = new.phone_number, external_id = new.external_id
        WHERE rowid = (SELECT seq FROM user_search_keys WHERE user_id = new.id);
END;

CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN
    DELETE FROM users_search WHERE rowid = (SELECT seq FROM user_search_keys WHERE user_id = old.id);
    DELETE FROM users_search_folded WHERE rowid = (SELECT seq FROM user_search_keys WHERE user_id = old.id);
    DELETE FROM user_search_keys WHERE user_id = old.id;
END;

-- Tenant invitation links. user_id is NULL for a general link; a member
-- has at most one link per tenant. The token is stored only as its hash.
CREATE TABLE tenant_invites (
    id                TEXT    NOT NULL PRIMARY KEY,
    env_id            TEXT    NOT NULL,
    tenant_id         TEXT    NOT NULL,
    user_id           TEXT,
    hash              BLOB    NOT NULL,
    role_ids          TEXT    NOT NULL,
    should_send_email INTEGER NOT NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    expires_at        INTEGER NOT NULL,
    FOREIGN KEY (tenant_id, env_id) REFERENCES tenants (id, env_id) ON DELETE CASCADE,
    FOREIGN KEY (user_id, env_id) REFERENCES users (id, env_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX tenant_invites_hash ON tenant_invites (hash);
CREATE UNIQUE INDEX tenant_invites_member ON tenant_invites (tenant_id, user_id) WHERE user_id IS NOT NULL;
CREATE INDEX tenant_invites_env_created ON tenant_invites (env_id, created_at, id);
CREATE INDEX tenant_invites_tenant ON tenant_invites (tenant_id);
CREATE INDEX tenant_invites_user ON tenant_invites (user_id);

-- How many users each environment has, kept by triggers: the total of an
-- unfiltered listing, and the planner's measure of how dense a filter is.
CREATE TABLE user_counts (
    env_id TEXT    NOT NULL PRIMARY KEY,
    n      INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO user_counts (env_id, n) SELECT env_id, count(*) FROM users GROUP BY env_id;
CREATE TRIGGER users_count_insert AFTER INSERT ON users BEGIN
    INSERT OR IGNORE INTO user_counts (env_id, n) VALUES (new.env_id, 0);
    UPDATE user_counts SET n = n + 1 WHERE env_id = new.env_id;
END;
CREATE TRIGGER users_count_delete AFTER DELETE ON users BEGIN
    UPDATE user_counts SET n = n - 1 WHERE env_id = old.env_id;
END;

-- How many members each tenant has, kept by triggers (cascaded deletes of
-- users and tenants fire them too): the total of a one-tenant listing.
CREATE TABLE tenant_member_counts (
    tenant_id TEXT    NOT NULL PRIMARY KEY,
    n         INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO tenant_member_counts (tenant_id, n) SELECT tenant_id, count(*) FROM memberships GROUP BY tenant_id;
CREATE TRIGGER memberships_count_insert AFTER INSERT ON memberships BEGIN
    INSERT OR IGNORE INTO tenant_member_counts (tenant_id, n) VALUES (new.tenant_id, 0);
    UPDATE tenant_member_counts SET n = n + 1 WHERE tenant_id = new.tenant_id;
END;
CREATE TRIGGER memberships_count_delete AFTER DELETE ON memberships BEGIN
    UPDATE tenant_member_counts SET n = n - 1 WHERE tenant_id = old.tenant_id;
END;
