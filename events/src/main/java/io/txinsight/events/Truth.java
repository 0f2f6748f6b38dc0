package io.txinsight.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A scenario's ground truth, {@code report/truth.json}: what the job must conclude about every
 * business transaction, under the timing parameters the truth assumes.
 *
 * @param params the generator's parameters (seed, counts, probabilities, …) as written
 * @param timing the job settings the verdicts assume
 * @param summary aggregate expectations
 * @param transactions one entry per business transaction, in order of first event
 * @param velocity the velocity bursts the job must report, in order of their first open; null in a
 *     truth written before bursts were part of it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Truth(
        @JsonProperty("params") Map<String, Object> params,
        @JsonProperty("timing") Timing timing,
        @JsonProperty("summary") Summary summary,
        @JsonProperty("transactions") List<Transaction> transactions,
        @JsonProperty("velocity") List<VelocityBurst> velocity) {

    @JsonCreator
    public Truth {}

    public Truth(Map<String, Object> params, Timing timing, Summary summary, List<Transaction> transactions) {
        this(params, timing, summary, transactions, null);
    }

    /**
     * The tracker settings under which the verdicts hold (pass them to the job when validating).
     *
     * @param stuckTimeoutMs silence after which an unfinished transaction is stuck
     * @param abortGraceMs grace past the close time before an abort is considered
     * @param outOfOrdernessMs the disorder bound the scenario stays within
     * @param outlierFactor outlier: duration above this many times its type's median
     * @param velocityMaxCount velocity: more than this many opens of one account within the window
     *     is a burst (0 in a truth written before bursts were part of it)
     * @param velocityWindowMs the velocity rule's sliding window
     */
    public record Timing(
            @JsonProperty("stuck_timeout_ms") long stuckTimeoutMs,
            @JsonProperty("abort_grace_ms") long abortGraceMs,
            @JsonProperty("out_of_orderness_ms") long outOfOrdernessMs,
            @JsonProperty("outlier_factor") double outlierFactor,
            @JsonProperty("velocity_max_count") int velocityMaxCount,
            @JsonProperty("velocity_window_ms") long velocityWindowMs) {
        @JsonCreator
        public Timing {}

        public Timing(long stuckTimeoutMs, long abortGraceMs, long outOfOrdernessMs, double outlierFactor) {
            this(stuckTimeoutMs, abortGraceMs, outOfOrdernessMs, outlierFactor, 0, 0);
        }
    }

    /**
     * @param transactions how many business transactions
     * @param events how many scenario records carry business events (duplicates included)
     * @param malformed how many scenario records are deliberately malformed ({@code raw})
     * @param byVerdict count per verdict
     * @param byType count per transaction type and verdict
     * @param durationMs percentiles of true durations of closed transactions: p50, p90, p95, p99, max
     * @param outliers injected outliers
     * @param stuckAlerts transactions that must raise a stuck alert (stuck ones and late closes)
     * @param velocityBursts velocity bursts the job must report
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Summary(
            @JsonProperty("transactions") long transactions,
            @JsonProperty("events") long events,
            @JsonProperty("malformed") long malformed,
            @JsonProperty("by_verdict") Map<Verdict, Long> byVerdict,
            @JsonProperty("by_type") Map<String, Map<Verdict, Long>> byType,
            @JsonProperty("duration_ms") Map<String, Long> durationMs,
            @JsonProperty("outliers") long outliers,
            @JsonProperty("stuck_alerts") long stuckAlerts,
            @JsonProperty("velocity_bursts") long velocityBursts) {
        @JsonCreator
        public Summary {}

        public Summary(long transactions, long events, long malformed, Map<Verdict, Long> byVerdict,
                Map<String, Map<Verdict, Long>> byType, Map<String, Long> durationMs, long outliers, long stuckAlerts) {
            this(transactions, events, malformed, byVerdict, byType, durationMs, outliers, stuckAlerts, 0);
        }
    }

    /**
     * @param txnId the business transaction
     * @param txnType its type
     * @param verdict where it must end up
     * @param openedAtMs event time of its open
     * @param closedAtMs event time of its close, or null if it never closes
     * @param durationMs close minus open, or null
     * @param outlier whether a slow step was injected
     * @param stuckAlert whether the job must raise a stuck alert for it (also for a late close)
     * @param duplicates how many events of it were resent
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Transaction(
            @JsonProperty("txn_id") String txnId,
            @JsonProperty("txn_type") String txnType,
            @JsonProperty("verdict") Verdict verdict,
            @JsonProperty("opened_at_ms") long openedAtMs,
            @JsonProperty("closed_at_ms") Long closedAtMs,
            @JsonProperty("duration_ms") Long durationMs,
            @JsonProperty("outlier") boolean outlier,
            @JsonProperty("stuck_alert") boolean stuckAlert,
            @JsonProperty("duplicates") int duplicates) {
        @JsonCreator
        public Transaction {}
    }

    /**
     * A velocity burst: transactions of one account, opened close enough together to break the
     * velocity rule of {@link Timing}; the job must report it with one velocity alert.
     *
     * @param account the account
     * @param firstAtMs event time of the burst's first open
     * @param lastAtMs event time of its last open
     * @param txnIds its transactions, in order of opening
     */
    public record VelocityBurst(
            @JsonProperty("account") String account,
            @JsonProperty("first_at_ms") long firstAtMs,
            @JsonProperty("last_at_ms") long lastAtMs,
            @JsonProperty("txn_ids") List<String> txnIds) {
        @JsonCreator
        public VelocityBurst {
            txnIds = txnIds == null ? List.of() : List.copyOf(txnIds);
        }
    }

    public static Truth read(Path file) throws IOException {
        return RecordJson.mapper().readValue(file.toFile(), Truth.class);
    }

    public void write(Path file) throws IOException {
        RecordJson.mapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), this);
    }
}
