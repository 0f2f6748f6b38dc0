-- A transaction's row is now written in two halves that may arrive in either order: its open's
-- attributes (txn_type, opened_at, account, amount, currency, merchant, category) as soon as the
-- job reads the open, and its outcome when the job decides it. Both are upserts on (txn_id, life)
-- that write only their own columns, so the row ends the same whichever comes first.
--
-- Until the outcome arrives the outcome's columns are null: state null means still in flight
-- (shown as "open"). Once there is a state, the outcome's required columns are there too.
ALTER TABLE transactions
    ALTER COLUMN state DROP NOT NULL,
    ALTER COLUMN outlier DROP NOT NULL,
    ALTER COLUMN was_stuck DROP NOT NULL,
    ALTER COLUMN steps DROP NOT NULL,
    ALTER COLUMN decided_at DROP NOT NULL;

ALTER TABLE transactions
    ADD CONSTRAINT transactions_decided_check CHECK (
        state IS NULL
        OR (outlier IS NOT NULL AND was_stuck IS NOT NULL AND steps IS NOT NULL AND decided_at IS NOT NULL)),
    -- A row known from its open alone has the open's time as its life (never -1) and that time.
    ADD CONSTRAINT transactions_open_check CHECK (
        state IS NOT NULL OR (life >= 0 AND opened_at IS NOT NULL));

-- The transactions still in flight, oldest first: a partial index holds only those.
CREATE INDEX transactions_in_flight_idx ON transactions (opened_at) WHERE state IS NULL;
