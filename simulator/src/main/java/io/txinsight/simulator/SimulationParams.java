package io.txinsight.simulator;

import io.txinsight.events.EventTime;
import io.txinsight.events.RecordKey;
import io.txinsight.simulator.model.TransactionType;
import io.txinsight.simulator.model.TransactionTypes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything that shapes a generated workload. Same parameters (seed included) give the same
 * records and the same truth, byte for byte.
 *
 * <p>Shares are probabilities in [0, 1]: per business transaction for the trouble kinds, per Kafka
 * transaction for aborts, per business event record for malformed records. Times are in
 * milliseconds of scenario time. Build with {@link #builder()} or start from a preset ({@link
 * Presets#named}) and change what you need with {@link #toBuilder()}.
 *
 * @param name a label written into the truth (the preset's name, or "custom")
 * @param seed the random seed
 * @param count business transactions to start (0: run for {@code durationMs} instead)
 * @param durationMs how long transactions keep arriving (0: as long as {@code count} needs at {@code rate})
 * @param rate arrivals per second; ignored when both count and duration are set
 * @param concurrency at most this many transactions in flight; an arrival waits for a free slot (0: no limit)
 * @param typeMix relative weight of each transaction type
 * @param accounts size of the account pool
 * @param latencyScale multiplies every step duration and gap (1: a few hundred ms end to end)
 * @param failedShare share of transactions that close with status failed
 * @param outlierShare share with one step far slower than usual
 * @param outlierSlowdownMin the slow step adds at least this many times its type's median duration
 * @param outlierSlowdownMax ... and at most this many
 * @param stuckShare share that stop emitting before the close and never close
 * @param lateCloseShare share that go silent past the stuck timeout, then close
 * @param duplicateShare share with one event resent (at-least-once producer)
 * @param outOfOrderShare share with an event published out of order (step before open, close before last step)
 * @param burstShare share of arrivals that start an account velocity burst
 * @param burstSize transactions in a burst, the first included
 * @param burstWindowMs a burst's transactions all open within this window
 * @param malformedShare chance, per business event record, of an extra malformed record
 * @param abortShare share of Kafka transactions that abort
 * @param hangs Kafka transactions left open for {@code hangMs}
 * @param hangMs how long a hanging Kafka transaction stays open before it is aborted
 * @param producers transactional producers (p0, p1, …)
 * @param kafkaTxnMs how long a producer keeps one Kafka transaction open before ending it
 * @param topic the topic of every record
 * @param key what each business event's record is keyed by: its txn_id, or its transaction's account
 * @param startEpochMs event time of scenario time 0
 * @param idPrefix prefix of every txn_id
 * @param stuckTimeoutMs the stuck timeout the truth assumes
 * @param abortGraceMs the abort grace the truth assumes
 * @param outOfOrdernessMs the disorder bound the scenario stays within
 * @param outlierFactor the job's outlier threshold, in multiples of its type's median
 */
public record SimulationParams(
        String name,
        long seed,
        long count,
        long durationMs,
        double rate,
        int concurrency,
        Map<String, Double> typeMix,
        int accounts,
        double latencyScale,
        double failedShare,
        double outlierShare,
        double outlierSlowdownMin,
        double outlierSlowdownMax,
        double stuckShare,
        double lateCloseShare,
        double duplicateShare,
        double outOfOrderShare,
        double burstShare,
        int burstSize,
        long burstWindowMs,
        double malformedShare,
        double abortShare,
        int hangs,
        long hangMs,
        int producers,
        long kafkaTxnMs,
        String topic,
        RecordKey key,
        long startEpochMs,
        String idPrefix,
        long stuckTimeoutMs,
        long abortGraceMs,
        long outOfOrdernessMs,
        double outlierFactor) {

    /** 2026-01-01T00:00:00Z: a fixed default so output does not depend on when it was generated. */
    public static final long DEFAULT_START_EPOCH_MS = 1_767_225_600_000L;

    public SimulationParams {
        Objects.requireNonNull(name, "name");
        typeMix = Collections.unmodifiableMap(new LinkedHashMap<>(typeMix));
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(idPrefix, "idPrefix");
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** How long arrivals last, in ms of scenario time. */
    public long spanMs() {
        if (durationMs > 0) {
            return durationMs;
        }
        return (long) Math.ceil(count * 1000.0 / rate);
    }

    /** Traffic that must follow an aborted or hanging Kafka transaction so a read_committed reader passes it. */
    public long tailGuardMs() {
        return 2 * abortGraceMs + outOfOrdernessMs + kafkaTxnMs;
    }

    /** Traffic that must follow a stuck transaction's last event so the job's clock passes its timeout. */
    public long stuckMarginMs() {
        return stuckTimeoutMs + 2 * abortGraceMs + outOfOrdernessMs + kafkaTxnMs;
    }

    /** Shortest silence before a late close: past the timeout even after the watermark's disorder allowance. */
    public long lateSilenceMinMs() {
        return stuckTimeoutMs + outOfOrdernessMs + 1000;
    }

    public long lateSilenceMaxMs() {
        return lateSilenceMinMs() + stuckTimeoutMs / 2;
    }

    /** Longest pause inside a transaction that is not meant to look stuck. */
    public long maxOrdinaryGapMs() {
        return (long) (stuckTimeoutMs * 0.45);
    }

    /** The longest typical duration among the types in the mix, at this latency scale. */
    public double slowestMedianMs() {
        double max = 0;
        for (Map.Entry<String, Double> e : typeMix.entrySet()) {
            if (e.getValue() > 0 && TransactionTypes.standard().containsKey(e.getKey())) {
                max = Math.max(max, TransactionTypes.named(e.getKey()).nominalMedianMs() * latencyScale);
            }
        }
        return max;
    }

    /**
     * Records a transaction produces on average (duplicates and malformed records included): used
     * to turn an events-per-second target into an arrival rate, and to report the target.
     */
    public double expectedRecordsPerTransaction() {
        double weights = 0;
        double events = 0;
        for (TransactionType t : activeTypes()) {
            double w = typeMix.get(t.name());
            int n = t.steps().size();
            // A failed transaction stops after its failing step, uniformly one of the n.
            events += w * ((1 - failedShare) * (2 + 2 * n) + failedShare * (n + 3));
            weights += w;
        }
        return (events / weights + duplicateShare) * (1 + malformedShare);
    }

    /** Every parameter by its documented name, in a fixed order (written into the truth). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("seed", seed);
        m.put("count", count);
        m.put("duration_ms", durationMs);
        // The arrival rate in effect: with both a count and a duration it follows from them.
        m.put("rate", count > 0 && durationMs > 0 ? count * 1000.0 / durationMs : rate);
        m.put("span_ms", spanMs());
        m.put("concurrency", concurrency);
        m.put("type_mix", new LinkedHashMap<>(typeMix));
        m.put("accounts", accounts);
        m.put("latency_scale", latencyScale);
        m.put("failed_share", failedShare);
        m.put("outlier_share", outlierShare);
        m.put("outlier_slowdown_min", outlierSlowdownMin);
        m.put("outlier_slowdown_max", outlierSlowdownMax);
        m.put("stuck_share", stuckShare);
        m.put("late_close_share", lateCloseShare);
        m.put("duplicate_share", duplicateShare);
        m.put("out_of_order_share", outOfOrderShare);
        m.put("burst_share", burstShare);
        m.put("burst_size", burstSize);
        m.put("burst_window_ms", burstWindowMs);
        m.put("malformed_share", malformedShare);
        m.put("abort_share", abortShare);
        m.put("hangs", hangs);
        m.put("hang_ms", hangMs);
        m.put("producers", producers);
        m.put("kafka_txn_ms", kafkaTxnMs);
        m.put("topic", topic);
        m.put("key", key.wireName());
        m.put("start_time", EventTime.format(startEpochMs));
        m.put("id_prefix", idPrefix);
        m.put("stuck_timeout_ms", stuckTimeoutMs);
        m.put("abort_grace_ms", abortGraceMs);
        m.put("out_of_orderness_ms", outOfOrdernessMs);
        m.put("outlier_factor", outlierFactor);
        return m;
    }

    /**
     * What is wrong with these parameters, each problem naming the command-line option and what to
     * do; empty when they are usable.
     */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        if (count < 0) {
            p.add("--count is " + count + "; give a positive number of transactions");
        }
        if (durationMs < 0) {
            p.add("--duration is " + durationMs + " ms; give a positive duration such as 30s");
        }
        if (count == 0 && durationMs == 0) {
            p.add("neither --count nor --duration is set; give at least one of them");
        }
        if (!(rate > 0) || Double.isInfinite(rate)) {
            p.add("--rate is " + rate + "; it must be a positive number of transactions per second");
        }
        if (concurrency < 0) {
            p.add("--concurrency is " + concurrency + "; use 0 for no limit or a positive number");
        }
        if (accounts < 1) {
            p.add("--accounts is " + accounts + "; the account pool needs at least one account");
        }
        if (!(latencyScale > 0) || Double.isInfinite(latencyScale)) {
            p.add("--latency-scale is " + latencyScale + "; it must be a positive factor (1 = the standard latencies)");
        }
        checkMix(p);
        share(p, "--failed", failedShare);
        share(p, "--outliers", outlierShare);
        share(p, "--stuck", stuckShare);
        share(p, "--late-close", lateCloseShare);
        share(p, "--duplicates", duplicateShare);
        share(p, "--out-of-order", outOfOrderShare);
        share(p, "--bursts", burstShare);
        share(p, "--malformed", malformedShare);
        share(p, "--aborts", abortShare);
        if (stuckShare + lateCloseShare + outlierShare > 1.0 + 1e-9) {
            p.add("--stuck + --late-close + --outliers add up to " + (stuckShare + lateCloseShare + outlierShare)
                    + "; a transaction has at most one of these troubles, so their sum must be at most 1");
        }
        if (burstSize < 2) {
            p.add("--burst-size is " + burstSize + "; a burst needs at least 2 transactions");
        }
        if (burstWindowMs <= 0) {
            p.add("--burst-window is " + burstWindowMs + " ms; it must be positive");
        }
        if (producers < 1) {
            p.add("--producers is " + producers + "; at least one transactional producer is needed");
        }
        if (kafkaTxnMs <= 0) {
            p.add("--kafka-txn-span is " + kafkaTxnMs + " ms; it must be positive");
        }
        if (hangs < 0) {
            p.add("--hangs is " + hangs + "; use 0 or a positive count");
        }
        if (hangMs <= 0) {
            p.add("--hang-for is " + hangMs + " ms; it must be positive");
        }
        if (hangs > 0 && producers < 2) {
            p.add("--hangs needs --producers of at least 2: while one producer hangs, the others carry the traffic");
        }
        if (topic.isBlank()) {
            p.add("--topic is blank; name the Kafka topic");
        }
        if (stuckTimeoutMs <= 0) {
            p.add("--stuck-timeout is " + stuckTimeoutMs + " ms; it must be positive");
        }
        if (abortGraceMs <= 0) {
            p.add("--abort-grace is " + abortGraceMs + " ms; it must be positive");
        }
        if (outOfOrdernessMs < 0) {
            p.add("--out-of-orderness is " + outOfOrdernessMs + " ms; it must not be negative");
        }
        if (outOfOrdernessMs < 2 && outOfOrderShare > 0) {
            p.add("--out-of-order needs --out-of-orderness of at least 2ms: disorder must stay within that bound");
        }
        if (!(outlierFactor > 1)) {
            p.add("--outlier-factor is " + outlierFactor + "; it must be above 1 (4 means: above 4x the median)");
        }
        if (!(outlierSlowdownMin > outlierFactor)) {
            p.add("--outlier-slowdown-min is " + outlierSlowdownMin + "; it must exceed --outlier-factor ("
                    + outlierFactor + ") or injected outliers would not stand out");
        }
        if (outlierSlowdownMax < outlierSlowdownMin) {
            p.add("--outlier-slowdown-max (" + outlierSlowdownMax + ") is below --outlier-slowdown-min ("
                    + outlierSlowdownMin + ")");
        }
        if (!p.isEmpty()) {
            return p; // the fit checks below assume sane values
        }
        long span = spanMs();
        if (outlierShare > 0 && outlierSlowdownMin * slowestMedianMs() > maxOrdinaryGapMs()) {
            p.add(String.format(
                    "--outliers: a slow step of %.0f ms (%.1fx the slowest type's median of %.0f ms) would be a silence"
                            + " of more than 0.45x the stuck timeout (%d ms) and look stuck; raise --stuck-timeout,"
                            + " lower --latency-scale or --outlier-slowdown-min",
                    outlierSlowdownMin * slowestMedianMs(), outlierSlowdownMin, slowestMedianMs(), stuckTimeoutMs));
        }
        if (stuckShare > 0 && span < stuckMarginMs() + 1000) {
            p.add("--stuck: stuck transactions need at least " + (stuckMarginMs() + 1000) + " ms of traffic after"
                    + " they go silent (stuck timeout + 2x abort grace + disorder + Kafka txn span), but arrivals last"
                    + " only " + span + " ms; raise --count or --duration, or lower --stuck-timeout");
        }
        if (lateCloseShare > 0 && span < lateSilenceMaxMs() + tailGuardMs() + 1000) {
            p.add("--late-close: a late close needs " + (lateSilenceMaxMs() + tailGuardMs() + 1000) + " ms of"
                    + " traffic (a silence past the stuck timeout, then the close, then the abort grace), but arrivals"
                    + " last only " + span + " ms; raise --count or --duration, or lower --stuck-timeout");
        }
        if (abortShare > 0 && span < tailGuardMs() + 1000) {
            p.add("--aborts: committed traffic must follow an aborted Kafka transaction for " + tailGuardMs()
                    + " ms (2x abort grace + disorder + Kafka txn span) so a read_committed reader passes it, but"
                    + " arrivals last only " + span + " ms; raise --count or --duration, or lower --abort-grace");
        }
        if (hangs > 0) {
            long room = hangLatestStartMs() - hangEarliestStartMs();
            long needed = (hangs - 1) * (hangMs + 2 * kafkaTxnMs);
            if (room < needed) {
                p.add("--hangs " + hangs + " x --hang-for " + hangMs + " ms does not fit: hangs run one after the other"
                        + " and must end " + tailGuardMs() + " ms before arrivals stop at " + span
                        + " ms; raise --count or --duration, or lower --hangs or --hang-for");
            }
        }
        return p;
    }

    /** Earliest planned start of a hanging transaction: not in the first tenth, the job is still warming up. */
    public long hangEarliestStartMs() {
        return spanMs() / 10;
    }

    /** Latest planned start: the hang must end a tail guard before arrivals stop. */
    public long hangLatestStartMs() {
        return spanMs() - tailGuardMs() - hangMs - 2 * kafkaTxnMs;
    }

    /** @throws IllegalArgumentException listing every problem, one per line */
    public SimulationParams validate() {
        List<String> p = problems();
        if (!p.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", p));
        }
        return this;
    }

    private void checkMix(List<String> p) {
        if (typeMix.isEmpty()) {
            p.add("--type-mix is empty; give at least one type, e.g. payment=1");
            return;
        }
        double sum = 0;
        for (Map.Entry<String, Double> e : typeMix.entrySet()) {
            if (!TransactionTypes.standard().containsKey(e.getKey())) {
                p.add("--type-mix names unknown type '" + e.getKey() + "'; known types: "
                        + String.join(", ", TransactionTypes.standard().keySet()));
            }
            Double w = e.getValue();
            if (w == null || !(w >= 0) || Double.isInfinite(w)) {
                p.add("--type-mix weight of '" + e.getKey() + "' is " + w + "; weights must be zero or positive");
            } else {
                sum += w;
            }
        }
        if (!(sum > 0)) {
            p.add("--type-mix weights add up to 0; at least one type needs a positive weight");
        }
    }

    private static void share(List<String> p, String option, double value) {
        if (!(value >= 0 && value <= 1)) {
            p.add(option + " is " + value + "; a share is a probability between 0 and 1 (0.05 = 5%)");
        }
    }

    /** The types in the mix with a positive weight, in catalog order. */
    public List<TransactionType> activeTypes() {
        List<TransactionType> types = new ArrayList<>();
        for (Map.Entry<String, Double> e : typeMix.entrySet()) {
            if (e.getValue() > 0) {
                types.add(TransactionTypes.named(e.getKey()));
            }
        }
        return types;
    }

    /** Fluent construction; every field starts at its documented default. */
    public static final class Builder {
        private String name = "custom";
        private long seed = 42;
        private long count = 1000;
        private long durationMs = 0;
        private double rate = 50;
        private int concurrency = 0;
        private Map<String, Double> typeMix = TransactionTypes.defaultMix();
        private int accounts = 2000;
        private double latencyScale = 1.0;
        private double failedShare = 0.05;
        private double outlierShare = 0.0;
        private double outlierSlowdownMin = 8.0;
        private double outlierSlowdownMax = 14.0;
        private double stuckShare = 0.0;
        private double lateCloseShare = 0.0;
        private double duplicateShare = 0.0;
        private double outOfOrderShare = 0.0;
        private double burstShare = 0.0;
        private int burstSize = 6;
        private long burstWindowMs = 3000;
        private double malformedShare = 0.0;
        private double abortShare = 0.0;
        private int hangs = 0;
        private long hangMs = 15_000;
        private int producers = 4;
        private long kafkaTxnMs = 100;
        private String topic = "txn-events";
        private RecordKey key = RecordKey.TXN_ID;
        private long startEpochMs = DEFAULT_START_EPOCH_MS;
        private String idPrefix = null;
        private long stuckTimeoutMs = 10_000;
        private long abortGraceMs = 3_000;
        private long outOfOrdernessMs = 2_000;
        private double outlierFactor = 4.0;

        Builder() {}

        Builder(SimulationParams s) {
            name = s.name; seed = s.seed; count = s.count; durationMs = s.durationMs; rate = s.rate;
            concurrency = s.concurrency; typeMix = new LinkedHashMap<>(s.typeMix); accounts = s.accounts;
            latencyScale = s.latencyScale; failedShare = s.failedShare; outlierShare = s.outlierShare;
            outlierSlowdownMin = s.outlierSlowdownMin; outlierSlowdownMax = s.outlierSlowdownMax;
            stuckShare = s.stuckShare; lateCloseShare = s.lateCloseShare; duplicateShare = s.duplicateShare;
            outOfOrderShare = s.outOfOrderShare; burstShare = s.burstShare; burstSize = s.burstSize;
            burstWindowMs = s.burstWindowMs; malformedShare = s.malformedShare; abortShare = s.abortShare;
            hangs = s.hangs; hangMs = s.hangMs; producers = s.producers; kafkaTxnMs = s.kafkaTxnMs;
            topic = s.topic; key = s.key; startEpochMs = s.startEpochMs; idPrefix = s.idPrefix;
            stuckTimeoutMs = s.stuckTimeoutMs; abortGraceMs = s.abortGraceMs;
            outOfOrdernessMs = s.outOfOrdernessMs; outlierFactor = s.outlierFactor;
        }

        public Builder name(String v) { name = v; return this; }
        public Builder seed(long v) {
            // A derived id prefix follows the seed, so changing the seed alone keeps ids distinct.
            if (idPrefix != null && idPrefix.equals(defaultPrefix(seed))) {
                idPrefix = null;
            }
            seed = v;
            return this;
        }
        public Builder count(long v) { count = v; return this; }
        public Builder durationMs(long v) { durationMs = v; return this; }
        public Builder rate(double v) { rate = v; return this; }
        public Builder concurrency(int v) { concurrency = v; return this; }
        public Builder typeMix(Map<String, Double> v) { typeMix = new LinkedHashMap<>(v); return this; }
        public Builder accounts(int v) { accounts = v; return this; }
        public Builder latencyScale(double v) { latencyScale = v; return this; }
        public Builder failedShare(double v) { failedShare = v; return this; }
        public Builder outlierShare(double v) { outlierShare = v; return this; }
        public Builder outlierSlowdownMin(double v) { outlierSlowdownMin = v; return this; }
        public Builder outlierSlowdownMax(double v) { outlierSlowdownMax = v; return this; }
        public Builder stuckShare(double v) { stuckShare = v; return this; }
        public Builder lateCloseShare(double v) { lateCloseShare = v; return this; }
        public Builder duplicateShare(double v) { duplicateShare = v; return this; }
        public Builder outOfOrderShare(double v) { outOfOrderShare = v; return this; }
        public Builder burstShare(double v) { burstShare = v; return this; }
        public Builder burstSize(int v) { burstSize = v; return this; }
        public Builder burstWindowMs(long v) { burstWindowMs = v; return this; }
        public Builder malformedShare(double v) { malformedShare = v; return this; }
        public Builder abortShare(double v) { abortShare = v; return this; }
        public Builder hangs(int v) { hangs = v; return this; }
        public Builder hangMs(long v) { hangMs = v; return this; }
        public Builder producers(int v) { producers = v; return this; }
        public Builder kafkaTxnMs(long v) { kafkaTxnMs = v; return this; }
        public Builder topic(String v) { topic = v; return this; }
        public Builder key(RecordKey v) { key = v; return this; }
        public Builder startEpochMs(long v) { startEpochMs = v; return this; }
        public Builder idPrefix(String v) { idPrefix = v; return this; }
        public Builder stuckTimeoutMs(long v) { stuckTimeoutMs = v; return this; }
        public Builder abortGraceMs(long v) { abortGraceMs = v; return this; }
        public Builder outOfOrdernessMs(long v) { outOfOrdernessMs = v; return this; }
        public Builder outlierFactor(double v) { outlierFactor = v; return this; }

        private static String defaultPrefix(long seed) {
            return "s" + seed + "-";
        }

        /** The parameters, not yet validated (see {@link SimulationParams#validate()}). */
        public SimulationParams build() {
            return new SimulationParams(
                    name, seed, count, durationMs, rate, concurrency, typeMix, accounts, latencyScale,
                    failedShare, outlierShare, outlierSlowdownMin, outlierSlowdownMax, stuckShare,
                    lateCloseShare, duplicateShare, outOfOrderShare, burstShare, burstSize, burstWindowMs,
                    malformedShare, abortShare, hangs, hangMs, producers, kafkaTxnMs, topic, key, startEpochMs,
                    idPrefix == null ? defaultPrefix(seed) : idPrefix,
                    stuckTimeoutMs, abortGraceMs, outOfOrdernessMs, outlierFactor);
        }
    }
}
