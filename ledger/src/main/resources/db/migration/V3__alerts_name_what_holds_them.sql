-- A stuck alert names the Kafka transaction that holds the business transaction's records back
-- (issue 18), as an outcome does: the same three columns as in transactions, null when none is known.
ALTER TABLE alerts
    ADD COLUMN blocking_transactional_id TEXT,
    ADD COLUMN blocking_producer_id      BIGINT,
    ADD COLUMN blocking_partitions       TEXT[];
