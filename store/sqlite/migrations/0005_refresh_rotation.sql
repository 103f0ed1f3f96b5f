-- How many rotations of its session's refresh-token chain led to each
-- refresh token (0 for the one issued at login); the identity layer enforces
-- the environment's refreshTokensRotationLimit with it.
ALTER TABLE refresh_tokens ADD COLUMN rotation INTEGER NOT NULL DEFAULT 0;
