-- 0009_identifiers: users' additional e-mail addresses and profile phone
-- numbers.
--
-- Every e-mail address of an environment, a user's primary one
-- (users.email_key) or an additional one (user_emails.email_key), belongs to
-- one user only. The unique index covers additional addresses among
-- themselves; the triggers cover primary against additional, in both
-- directions. They raise a constraint error the store reports as a
-- conflict. email_key is lower-cased by Go, as in users.

CREATE TABLE user_emails (
    id         TEXT    NOT NULL PRIMARY KEY,
    env_id     TEXT    NOT NULL,
    user_id    TEXT    NOT NULL,
    email      TEXT    NOT NULL,
    email_key  TEXT    NOT NULL,
    verified   INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    FOREIGN KEY (user_id, env_id) REFERENCES users (id, env_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX user_emails_env_email ON user_emails (env_id, email_key);
CREATE INDEX user_emails_user ON user_emails (user_id, created_at);

CREATE TRIGGER user_emails_insert_not_primary BEFORE INSERT ON user_emails
WHEN EXISTS (SELECT 1 FROM users WHERE env_id = NEW.env_id AND email_key = NEW.email_key)
BEGIN
    SELECT RAISE(ABORT, 'UNIQUE constraint failed: e-mail is a primary e-mail');
END;

CREATE TRIGGER user_emails_update_not_primary BEFORE UPDATE OF email_key ON user_emails
WHEN EXISTS (SELECT 1 FROM users WHERE env_id = NEW.env_id AND email_key = NEW.email_key)
BEGIN
    SELECT RAISE(ABORT, 'UNIQUE constraint failed: e-mail is a primary e-mail');
END;

CREATE TRIGGER users_insert_email_not_additional BEFORE INSERT ON users
WHEN NEW.email_key <> ''
    AND EXISTS (SELECT 1 FROM user_emails WHERE env_id = NEW.env_id AND email_key = NEW.email_key)
BEGIN
    SELECT RAISE(ABORT, 'UNIQUE constraint failed: e-mail is an additional e-mail');
END;

CREATE TRIGGER users_update_email_not_additional BEFORE UPDATE OF email_key ON users
WHEN NEW.email_key <> ''
    AND EXISTS (SELECT 1 FROM user_emails WHERE env_id = NEW.env_id AND email_key = NEW.email_key)
BEGIN
    SELECT RAISE(ABORT, 'UNIQUE constraint failed: e-mail is an additional e-mail');
END;

CREATE TABLE user_phone_numbers (
    id           TEXT    NOT NULL PRIMARY KEY,
    env_id       TEXT    NOT NULL,
    user_id      TEXT    NOT NULL,
    phone_number TEXT    NOT NULL,
    verified     INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    FOREIGN KEY (user_id, env_id) REFERENCES users (id, env_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX user_phone_numbers_user_number ON user_phone_numbers (user_id, phone_number);
CREATE INDEX user_phone_numbers_user_created ON user_phone_numbers (user_id, created_at);
CREATE INDEX user_phone_numbers_env_number ON user_phone_numbers (env_id, phone_number);
