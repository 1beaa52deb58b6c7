-- The e-mail alert's subscribers, written to run unchanged on SQLite and PostgreSQL: no
-- autoincrement (ids come from the service), times as Unix seconds, states as text.

CREATE TABLE subscribers (
    id BIGINT PRIMARY KEY,
    -- The address as the reader wrote it, and lower-cased: one subscriber per address.
    email TEXT NOT NULL,
    email_key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL DEFAULT '',
    lang TEXT NOT NULL,
    -- pending | subscribed | unsubscribed | suppressed
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    -- Confirmation mails sent in the current day-long window, for the per-address throttle.
    confirm_window_start BIGINT NOT NULL DEFAULT 0,
    confirm_mails BIGINT NOT NULL DEFAULT 0,
    last_confirm_mail_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX subscribers_status ON subscribers (status);

-- What the reader agreed to and when: requested, confirmed, imported, unsubscribed, language.
CREATE TABLE consents (
    id BIGINT PRIMARY KEY,
    subscriber_id BIGINT NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    action TEXT NOT NULL,
    at BIGINT NOT NULL,
    -- The page the form was on, or where the record came from (an import's file).
    source TEXT NOT NULL DEFAULT '',
    lang TEXT NOT NULL,
    client TEXT NOT NULL DEFAULT ''
);
CREATE INDEX consents_subscriber ON consents (subscriber_id);

-- Opaque tokens: only their SHA-256 is kept. purpose: confirm | unsubscribe.
CREATE TABLE tokens (
    hash TEXT PRIMARY KEY,
    subscriber_id BIGINT NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX tokens_subscriber ON tokens (subscriber_id);

-- Mails committed with the request and sent after it, by whichever service instance claims
-- them first. kind: confirm (a confirmation link) | subscribed (already subscribed: a link to
-- the unsubscribe page).
CREATE TABLE mail_queue (
    id BIGINT PRIMARY KEY,
    subscriber_id BIGINT NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    token TEXT NOT NULL,
    lang TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    -- Who holds it (a random number per claim) and until when.
    claimed_by BIGINT NOT NULL DEFAULT 0,
    claimed_until BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX mail_queue_claims ON mail_queue (claimed_until);

-- Hard bounces (a 5xx refusal of the address) per digest: two digests suppress the address.
CREATE TABLE bounces (
    subscriber_id BIGINT NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    digest TEXT NOT NULL,
    at BIGINT NOT NULL,
    reply TEXT NOT NULL,
    PRIMARY KEY (subscriber_id, digest)
);
