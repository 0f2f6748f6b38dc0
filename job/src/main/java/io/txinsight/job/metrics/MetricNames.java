package io.txinsight.job.metrics;

import io.txinsight.ledger.LedgerSinks;
import java.util.List;

/**
 * Names of the txinsights metrics as registered in Flink, one place for code, tests and
 * {@code docs/metrics.md}.
 *
 * <p>Labels are Flink key-value groups in a fixed order (txn_type, then step, status or currency,
 * view, then event_type or reason, then le), so Flink's Prometheus reporter exports e.g.
 * {@code flink_taskmanager_job_task_operator_txinsights_txn_type_le_duration_ms_bucket} with labels
 * {@code txn_type} and {@code le}. Prometheus renames it to {@code txinsights_duration_ms_bucket} by
 * dropping the label keys from the front ({@code monitoring/prometheus/prometheus.yml}). A metric
 * name must therefore not start with a label key; the one exception, {@link #STEP_DURATION}
 * (whose {@code step_} is stripped too), is the only metric with a {@code step} label, and the
 * Prometheus configuration gives it its name back by that label. See {@code docs/metrics.md}.
 */
public final class MetricNames {
    private MetricNames() {}

    /** The user group every txinsights metric lives in, under the operator group. */
    public static final String GROUP = "txinsights";

    // label keys
    public static final String TXN_TYPE = "txn_type";
    public static final String STEP = "step";
    public static final String STATUS = "status";
    public static final String VIEW = "view";
    public static final String EVENT_TYPE = "event_type";
    public static final String REASON = "reason";
    public static final String ATTRIBUTE = "attribute";
    public static final String CURRENCY = "currency";
    /** Of the active accounts: how far back the window reaches (1m, 5m, 15m). */
    public static final String WINDOW = "window";
    /** Of the collector's series: an input topic (bounded by the topics the job reads). */
    public static final String TOPIC = "topic";
    /** Of the collector's per-partition series: the partition number. */
    public static final String PARTITION = "partition";
    /**
     * Every label key, in the order Flink writes them into raw names. Prometheus strips them from
     * the raw names (rule 1 of monitoring/prometheus/prometheus.yml, built from this list and
     * checked against it by MetricCatalogTest), and so does the sandbox's summary line.
     */
    public static final List<String> LABEL_KEYS = List.of(
            TXN_TYPE, STEP, STATUS, CURRENCY, VIEW, EVENT_TYPE, REASON, ATTRIBUTE, WINDOW, TOPIC, PARTITION,
            LatencyBuckets.LE_KEY);

    /** Distinct txn_type values per subtask before new ones report as "other". */
    public static final int TXN_TYPE_CAP = 20;
    /** Distinct step values per subtask before new ones report as "other". */
    public static final int STEP_CAP = 50;
    /**
     * Distinct currency values per subtask before new ones report as "other": a payment system
     * settles in a handful; each costs 19 series per type (the amount distribution).
     */
    public static final int CURRENCY_CAP = 10;

    // counters of the tracker, by txn_type (closed also by status)
    public static final String OPENED = "opened";
    public static final String TENTATIVELY_CLOSED = "tentatively_closed";
    public static final String CLOSED = "closed";
    public static final String ABORTED = "aborted";
    public static final String STUCK = "stuck";
    public static final String RECOVERED = "recovered";
    public static final String EXPIRED = "expired";
    public static final String OUTLIERS = "outliers";

    // counters by view
    public static final String EVENTS = "events";
    public static final String MALFORMED = "malformed";
    public static final String LATE = "late";
    public static final String DUPLICATES = "duplicates";
    /** Without labels: records written to the dead-letter topic (monitor view only). */
    public static final String DEAD_LETTERED = "dead_lettered";
    /** Milliseconds since the view's Kafka consumer last got an answer from the brokers (-1: unknown). */
    public static final String INPUT_FETCH_AGE_MS = "input_fetch_age_ms";
    /** 1 while the view's brokers answer, 0 when its consumer keeps asking and gets no answer. */
    public static final String INPUT_REACHABLE = "input_reachable";
    /** Opens whose financial attribute is missing or mistyped (the record is still an event). */
    public static final String ATTRIBUTE_PROBLEMS = "open_attribute_problems";

    // gauges, per tracker subtask
    public static final String OPEN_NOW = "open_now";
    public static final String TENTATIVELY_CLOSED_NOW = "tentatively_closed_now";
    public static final String STUCK_NOW = "stuck_now";
    /** Business transactions held back right now by a Kafka transaction the job has named. */
    public static final String HELD_BACK_NOW = "held_back_now";
    public static final String OLDEST_OPEN_AGE_MS = "oldest_open_age_ms";
    public static final String COMMITTED_VIEW_LAG_MS = "committed_view_lag_ms";

    // counters of the velocity detector, without labels
    public static final String VELOCITY_OPENS = "velocity_opens";
    public static final String VELOCITY_BURSTS = "velocity_bursts";
    public static final String VELOCITY_LATE = "velocity_late";
    public static final String VELOCITY_DUPLICATES = "velocity_duplicates";

    // distributions (each is _bucket{le}, _count and _sum)
    public static final String DURATION = "duration_ms";
    public static final String TENTATIVE_DURATION = "tentative_duration_ms";
    public static final String COMMIT_LATENCY = "commit_latency_ms";
    public static final String STEP_DURATION = "step_duration_ms";
    public static final String INTER_STEP_GAP = "inter_step_gap_ms";

    // the PostgreSQL ledger's writers (operators "Ledger: …"), per subtask; registered by the
    // ledger module's writer under the same group (docs/ledger.md §2)
    /** Gauge: rows kept because the database did not take them yet (in checkpoints too). */
    public static final String LEDGER_ROWS_PENDING = LedgerSinks.ROWS_PENDING;
    /** Counter: rows written (a replayed row counts again). */
    public static final String LEDGER_ROWS_WRITTEN = LedgerSinks.ROWS_WRITTEN;
    /** Counter: failed write attempts; each failure keeps its rows and retries. */
    public static final String LEDGER_WRITE_FAILURES = LedgerSinks.WRITE_FAILURES;

    /** Of closed transactions, by txn_type and currency, in the currency's major unit. */
    public static final String AMOUNT = "amount";

    // the Kafka transactions collector (operator "Kafka transactions at the broker", one subtask)
    /** Gauge by topic: Kafka transactions open on the topic's partitions (one per producer and partition). */
    public static final String KAFKA_OPEN_TRANSACTIONS = "kafka_open_transactions";
    /** Gauge by topic: of those, open longer than --kafka-transactions-long-open. */
    public static final String KAFKA_LONG_OPEN_TRANSACTIONS = "kafka_long_open_transactions";
    /** Gauge by topic: of those, hanging (find-hanging's rule). */
    public static final String KAFKA_HANGING_TRANSACTIONS = "kafka_hanging_transactions";
    /** Gauge by topic: age of the oldest open Kafka transaction, 0 when none is open. */
    public static final String KAFKA_OLDEST_TRANSACTION_AGE_MS = "kafka_oldest_transaction_age_ms";
    /** Gauge by topic and partition: high watermark minus last stable offset. */
    public static final String LSO_LAG_RECORDS = "lso_lag_records";
    /** Gauge by topic and partition: how long the first record a read_committed reader cannot read has existed. */
    public static final String LSO_LAG_MS = "lso_lag_ms";
    /** Gauge by view, topic and partition: records the view's consumer group has not committed yet (-1: no commit). */
    public static final String INPUT_LAG_RECORDS = "input_lag_records";
    /** Gauge by view, topic and partition: how long the first record the view has not committed has existed. */
    public static final String INPUT_LAG_MS = "input_lag_ms";
    /** Counter: Admin API polls that answered. */
    public static final String KAFKA_COLLECTOR_POLLS = "kafka_collector_polls";
    /** Counter by reason: polls (or parts of one) that failed; the reason names a missing permission where it is one. */
    public static final String KAFKA_COLLECTOR_FAILURES = "kafka_collector_failures";

    /** Gauge by window: distinct accounts that opened a transaction in it (a sketch's estimate). */
    public static final String ACTIVE_ACCOUNTS = "active_accounts";
}
