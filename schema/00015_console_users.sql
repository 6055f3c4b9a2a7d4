-- The console (the department's web pages) signs people in with their user id
-- and a password, and keeps who is signed in as server-side sessions.
--
-- A password is kept only as its bcrypt hash. A session is named by 32 random
-- bytes that only the browser's cookie holds: the table keeps their SHA-256,
-- so a copy of the database signs nobody in. Each session has its own CSRF
-- token, sent with every form and checked on every POST.

-- +goose Up
CREATE TABLE user_passwords (
    user_id        text PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    password_hash  text NOT NULL CHECK (password_hash LIKE '$2%'),
    set_at         timestamptz NOT NULL DEFAULT now(),
    set_by         text NOT NULL DEFAULT ''
);

CREATE TABLE console_sessions (
    id_hash       bytea PRIMARY KEY CHECK (length(id_hash) = 32),
    user_id       text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token    text NOT NULL CHECK (length(csrf_token) >= 32),
    created_at    timestamptz NOT NULL,
    last_seen_at  timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    CHECK (expires_at > created_at)
);
CREATE INDEX console_sessions_user_idx ON console_sessions (user_id);
CREATE INDEX console_sessions_expiry_idx ON console_sessions (expires_at);

-- +goose Down
DROP TABLE console_sessions;
DROP TABLE user_passwords;
