-- The ledger: what the job concluded about every business transaction, and every alert it raised.
-- Owned by Flyway: never edit a script that has shipped; add V2__… instead.

-- One row per business transaction life. A txn_id can live more than once (after an abort or an
-- expiry the same id starts a new transaction), so the key is the id and its life. For now the
-- life is the event time of the open in epoch milliseconds, or -1 when the open was never seen:
-- it is the same number on every replay of the same events, which makes the upsert idempotent.
CREATE TABLE transactions (
    txn_id                    TEXT        NOT NULL,
    life                      BIGINT      NOT NULL,
    txn_type                  TEXT,
    state                     TEXT        NOT NULL CHECK (state IN ('closed', 'aborted', 'expired')),
    result                    TEXT        CHECK (result IN ('success', 'failed')),
    opened_at                 TIMESTAMPTZ,
    closed_at                 TIMESTAMPTZ,
    duration_ms               BIGINT,
    commit_latency_ms         BIGINT,
    outlier                   BOOLEAN     NOT NULL,
    was_stuck                 BOOLEAN     NOT NULL,
    last_step                 TEXT,
    steps                     INTEGER     NOT NULL,
    -- the Kafka transaction that blocked it, when the job knows it
    blocking_transactional_id TEXT,
    blocking_producer_id      BIGINT,
    blocking_partitions       TEXT[],
    -- the financial attributes of its open; null until the job carries them
    account                   TEXT,
    amount                    NUMERIC,
    currency                  TEXT,
    merchant                  TEXT,
    category                  TEXT,
    decided_at                TIMESTAMPTZ NOT NULL,
    written_at                TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (txn_id, life)
);

-- "The latest stuck and aborted transactions": a partial index holds only those.
CREATE INDEX transactions_trouble_idx ON transactions (decided_at DESC)
    WHERE state = 'aborted' OR was_stuck;
-- One transaction: the primary key's leading column serves it.
CREATE INDEX transactions_account_idx ON transactions (account, decided_at DESC);
CREATE INDEX transactions_type_time_idx ON transactions (txn_type, decided_at);
-- Summaries over a time range.
CREATE INDEX transactions_time_idx ON transactions (decided_at);

-- One row per alert. A stuck alert is raised as of its deadline (last sign of life + timeout), so
-- (txn_id, alert, raised_at) names the same alert on every replay.
CREATE TABLE alerts (
    txn_id           TEXT        NOT NULL,
    alert            TEXT        NOT NULL,
    raised_at        TIMESTAMPTZ NOT NULL,
    txn_type         TEXT,
    opened_at        TIMESTAMPTZ,
    last_event_at    TIMESTAMPTZ NOT NULL,
    age_ms           BIGINT      NOT NULL,
    silent_ms        BIGINT      NOT NULL,
    last_step        TEXT,
    stuck_timeout_ms BIGINT      NOT NULL,
    written_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (txn_id, alert, raised_at)
);

CREATE INDEX alerts_latest_idx ON alerts (raised_at DESC);
