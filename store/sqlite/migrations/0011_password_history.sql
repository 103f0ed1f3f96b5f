-- 0011_password_history: the hashes of a user's earlier passwords, newest
-- first, kept for the password history policy (a JSON array of encoded
-- hashes; empty while no policy asks for any).

ALTER TABLE passwords ADD COLUMN history TEXT NOT NULL DEFAULT '[]';
