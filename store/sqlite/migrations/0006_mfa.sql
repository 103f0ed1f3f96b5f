-- Users' second factors: authenticator apps, SMS phones, WebAuthn credentials.
CREATE TABLE mfa_devices (
    id            TEXT    NOT NULL PRIMARY KEY,
    env_id        TEXT    NOT NULL,
    user_id       TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    pending       INTEGER NOT NULL,
    secret        TEXT    NOT NULL,
    phone_number  TEXT    NOT NULL,
    device_type   TEXT    NOT NULL,
    credential_id BLOB    NOT NULL,
    credential    TEXT    NOT NULL,
    counter       INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    last_used_at  INTEGER,
    FOREIGN KEY (user_id, env_id) REFERENCES users (id, env_id) ON DELETE CASCADE
);
CREATE INDEX mfa_devices_user ON mfa_devices (user_id, kind, created_at);
