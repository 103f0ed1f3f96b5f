-- 0003_rbac: roles, permissions, permission categories, and an index of
-- memberships by role.
--
-- Ids are unique across environments; the (id, env_id) unique indexes are the
-- parent keys of the links, whose foreign keys include env_id so that a link
-- never joins records of two environments.

CREATE TABLE permission_categories (
    id          TEXT    NOT NULL PRIMARY KEY,
    env_id      TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL,
    fe_category INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX permission_categories_id_env ON permission_categories (id, env_id);
CREATE INDEX permission_categories_env_created ON permission_categories (env_id, created_at);

-- category_id is NULL for a permission without a category.
CREATE TABLE permissions (
    id              TEXT    NOT NULL PRIMARY KEY,
    env_id          TEXT    NOT NULL,
    key             TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    description     TEXT    NOT NULL,
    category_id     TEXT,
    fe_permission   INTEGER NOT NULL,
    assignment_type TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    FOREIGN KEY (category_id, env_id) REFERENCES permission_categories (id, env_id)
);
CREATE UNIQUE INDEX permissions_env_key ON permissions (env_id, key);
CREATE UNIQUE INDEX permissions_id_env ON permissions (id, env_id);
CREATE INDEX permissions_env_created ON permissions (env_id, created_at);
CREATE INDEX permissions_category ON permissions (category_id) WHERE category_id IS NOT NULL;

-- tenant_id is '' for an environment-wide role.
CREATE TABLE roles (
    id              TEXT    NOT NULL PRIMARY KEY,
    env_id          TEXT    NOT NULL,
    tenant_id       TEXT    NOT NULL,
    key             TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    description     TEXT    NOT NULL,
    level           INTEGER NOT NULL,
    is_default      INTEGER NOT NULL,
    first_user_role INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX roles_env_tenant_key ON roles (env_id, tenant_id, key);
CREATE UNIQUE INDEX roles_id_env ON roles (id, env_id);
CREATE INDEX roles_env_created ON roles (env_id, created_at);

CREATE TABLE role_permissions (
    role_id       TEXT NOT NULL,
    permission_id TEXT NOT NULL,
    env_id        TEXT NOT NULL,
    PRIMARY KEY (role_id, permission_id),
    FOREIGN KEY (role_id, env_id) REFERENCES roles (id, env_id) ON DELETE CASCADE,
    FOREIGN KEY (permission_id, env_id) REFERENCES permissions (id, env_id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX role_permissions_permission ON role_permissions (permission_id);

-- membership_roles indexes memberships.role_ids (a JSON array) by role. The
-- triggers below keep it in step with every write of memberships, and the
-- foreign key removes its rows with their membership (including the cascades
-- from users and tenants).
CREATE TABLE membership_roles (
    role_id   TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    tenant_id TEXT NOT NULL,
    PRIMARY KEY (role_id, user_id, tenant_id),
    FOREIGN KEY (user_id, tenant_id) REFERENCES memberships (user_id, tenant_id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX membership_roles_member ON membership_roles (user_id, tenant_id);

CREATE TRIGGER memberships_roles_insert AFTER INSERT ON memberships BEGIN
    INSERT OR IGNORE INTO membership_roles (role_id, user_id, tenant_id)
        SELECT value, NEW.user_id, NEW.tenant_id FROM json_each(NEW.role_ids) WHERE type = 'text';
END;

CREATE TRIGGER memberships_roles_update AFTER UPDATE OF role_ids ON memberships BEGIN
    DELETE FROM membership_roles WHERE user_id = OLD.user_id AND tenant_id = OLD.tenant_id;
    INSERT OR IGNORE INTO membership_roles (role_id, user_id, tenant_id)
        SELECT value, NEW.user_id, NEW.tenant_id FROM json_each(NEW.role_ids) WHERE type = 'text';
END;

INSERT OR IGNORE INTO membership_roles (role_id, user_id, tenant_id)
    SELECT j.value, m.user_id, m.tenant_id FROM memberships m, json_each(m.role_ids) j WHERE j.type = 'text';
