-- 0004_groups: user groups and their members, application assignments and
-- each user's active tenant per application.
--
-- Everything that hangs on a user's membership in a tenant (its place in the
-- tenant's groups, its application assignments in the tenant, an
-- application's choice of the tenant as the user's active one) references
-- the membership and goes with it: deleting the membership, the user or the
-- tenant removes it by cascade.

-- The parent key of rows that name a membership and its environment.
CREATE UNIQUE INDEX memberships_user_tenant_env ON memberships (user_id, tenant_id, env_id);

-- "groups" is an SQL keyword (window frames), hence user_groups. name_key
-- is the lower-cased name (lower-cased by Go, covering Unicode).
CREATE TABLE user_groups (
    id          TEXT    NOT NULL PRIMARY KEY,
    env_id      TEXT    NOT NULL,
    tenant_id   TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    name_key    TEXT    NOT NULL,
    description TEXT    NOT NULL,
    color       TEXT    NOT NULL,
    metadata    TEXT    NOT NULL,
    role_ids    TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    FOREIGN KEY (tenant_id, env_id) REFERENCES tenants (id, env_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX user_groups_tenant_name ON user_groups (tenant_id, name_key);
CREATE INDEX user_groups_tenant_created ON user_groups (tenant_id, created_at, id);
-- The parent key of group_members (group_id, tenant_id).
CREATE UNIQUE INDEX user_groups_id_tenant ON user_groups (id, tenant_id);

-- A group member is a member of the group's tenant: both foreign keys
-- share tenant_id.
CREATE TABLE group_members (
    group_id   TEXT    NOT NULL,
    user_id    TEXT    NOT NULL,
    tenant_id  TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (group_id, user_id),
    FOREIGN KEY (group_id, tenant_id) REFERENCES user_groups (id, tenant_id) ON DELETE CASCADE,
    FOREIGN KEY (user_id, tenant_id) REFERENCES memberships (user_id, tenant_id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX group_members_member ON group_members (user_id, tenant_id);

CREATE TABLE application_users (
    env_id     TEXT    NOT NULL,
    app_id     TEXT    NOT NULL,
    user_id    TEXT    NOT NULL,
    tenant_id  TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (app_id, user_id, tenant_id),
    FOREIGN KEY (user_id, tenant_id, env_id) REFERENCES memberships (user_id, tenant_id, env_id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX application_users_env_app ON application_users (env_id, app_id, created_at);
CREATE INDEX application_users_member ON application_users (user_id, tenant_id);

CREATE TABLE application_active_tenants (
    env_id     TEXT    NOT NULL,
    user_id    TEXT    NOT NULL,
    app_id     TEXT    NOT NULL,
    tenant_id  TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, app_id),
    FOREIGN KEY (user_id, tenant_id, env_id) REFERENCES memberships (user_id, tenant_id, env_id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX application_active_tenants_member ON application_active_tenants (user_id, tenant_id);
