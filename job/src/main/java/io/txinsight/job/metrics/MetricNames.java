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
    /**
     * Every label key, in the order Flink writes them into raw names. Prometheus strips them from
     * the raw names (rule 1 of monitoring/prometheus/prometheus.yml, built from this list and
     * checked against it by MetricCatalogTest), and so does the sandbox's summary line.
     */
    public static final List<String> LABEL_KEYS = List.of(
            TXN_TYPE, STEP, STATUS, CURRENCY, VIEW, EVENT_TYPE, REASON, ATTRIBUTE, WINDOW, LatencyBuckets.LE_KEY);

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

    /** Gauge by window: distinct accounts that opened a transaction in it (a sketch's estimate). */
    public static final String ACTIVE_ACCOUNTS = "active_accounts";
}
