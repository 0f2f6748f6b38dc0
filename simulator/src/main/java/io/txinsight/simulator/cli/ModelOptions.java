package io.txinsight.simulator.cli;

import io.txinsight.events.RecordKey;
import io.txinsight.simulator.Presets;
import io.txinsight.simulator.SimulationParams;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The workload model's options, shared by generate, stream and batch. Every option is optional:
 * unset ones keep the preset's value (or the default without a preset), so they are boxed and
 * null until given.
 */
public final class ModelOptions {

    @Option(names = "--preset", paramLabel = "NAME",
            description = "Start from a named parameter set (list them with 'presets'); the other options override it.")
    String preset;

    @Option(names = "--seed", paramLabel = "N",
            description = "Random seed. Same seed and options give byte-identical output (default: 42).")
    Long seed;

    // --- load ---------------------------------------------------------------------------------

    @Option(names = "--count", paramLabel = "N",
            description = "Business transactions to start. With --duration they are spread over it;"
                    + " otherwise they arrive at --rate (default: 1000).")
    Long count;

    @Option(names = "--duration", paramLabel = "TIME", converter = DurationConverter.class,
            description = "How long transactions keep arriving, e.g. 30s or 2m. Alone, arrivals follow --rate.")
    Long durationMs;

    @Option(names = "--rate", paramLabel = "PER_SEC",
            description = "Transactions started per second (Poisson arrivals; default: 50)."
                    + " Give at most two of --count, --duration and --rate; one given alone keeps the preset's rate"
                    + " (or, for --rate, its duration).")
    Double rate;

    @Option(names = "--concurrency", paramLabel = "N",
            description = "At most N transactions in flight; an arrival waits for a free slot (default: 0 = no limit).")
    Integer concurrency;

    @Option(names = "--type-mix", paramLabel = "TYPE=WEIGHT", split = ",",
            description = "Relative weights of the transaction types: payment, transfer, deposit, withdrawal, refund"
                    + " (default: payment=50,transfer=15,deposit=12,withdrawal=13,refund=10).")
    Map<String, Double> typeMix;

    @Option(names = "--accounts", paramLabel = "N",
            description = "Size of the account pool the opens draw from (default: 2000).")
    Integer accounts;

    @Option(names = "--latency-scale", paramLabel = "X",
            description = "Multiplies every step duration and pause (default: 1 = about 100-300 ms per transaction).")
    Double latencyScale;

    // --- trouble ------------------------------------------------------------------------------

    @Option(names = "--failed", paramLabel = "SHARE",
            description = "Share of transactions that close with status failed, after the failing step (default: 0.05).")
    Double failed;

    @Option(names = "--outliers", paramLabel = "SHARE",
            description = "Share of transactions with one step far slower than usual (default: 0).")
    Double outliers;

    @Option(names = "--outlier-slowdown-min", paramLabel = "X",
            description = "An outlier's slow step adds at least X times its type's median duration (default: 8).")
    Double outlierSlowdownMin;

    @Option(names = "--outlier-slowdown-max", paramLabel = "X",
            description = "... and at most X times (default: 14).")
    Double outlierSlowdownMax;

    @Option(names = "--stuck", paramLabel = "SHARE",
            description = "Share of transactions that stop before their close and never close (default: 0)."
                    + " They all go silent early enough for the stuck timeout to pass while traffic continues.")
    Double stuck;

    @Option(names = "--late-close", paramLabel = "SHARE",
            description = "Share that go silent for longer than the stuck timeout, then close (default: 0).")
    Double lateClose;

    @Option(names = "--duplicates", paramLabel = "SHARE",
            description = "Share of transactions with one event resent, as an at-least-once producer does (default: 0).")
    Double duplicates;

    @Option(names = "--out-of-order", paramLabel = "SHARE",
            description = "Share with an event published out of order: a step before its open, or a close before"
                    + " the last step_done, within the disorder bound (default: 0).")
    Double outOfOrder;

    @Option(names = "--bursts", paramLabel = "SHARE",
            description = "Share of arrivals that start an account velocity burst (default: 0).")
    Double bursts;

    @Option(names = "--burst-size", paramLabel = "N",
            description = "Transactions from the same account in one burst (default: 6).")
    Integer burstSize;

    @Option(names = "--burst-window", paramLabel = "TIME", converter = DurationConverter.class,
            description = "A burst's transactions all open within this window (default: 3s).")
    Long burstWindowMs;

    @Option(names = "--malformed", paramLabel = "SHARE",
            description = "Chance per business event of an extra malformed record: broken JSON, no txn_id,"
                    + " unknown event_type, bad ts, a JSON array, ... (default: 0).")
    Double malformed;

    // --- Kafka transactions ----------------------------------------------------------------------

    @Option(names = "--producers", paramLabel = "N",
            description = "Transactional producers, p0 to p(N-1); a transaction's records go through one of them"
                    + " (default: 4).")
    Integer producers;

    @Option(names = "--kafka-txn-span", paramLabel = "TIME", converter = DurationConverter.class,
            description = "How long a producer keeps one Kafka transaction open before ending it (default: 100ms).")
    Long kafkaTxnMs;

    @Option(names = "--aborts", paramLabel = "SHARE",
            description = "Share of Kafka transactions that abort; the closes they carry are rolled back (default: 0).")
    Double aborts;

    @Option(names = "--hangs", paramLabel = "N",
            description = "Kafka transactions left open for --hang-for, pinning the last stable offset, then aborted"
                    + " (default: 0; needs --producers 2 or more).")
    Integer hangs;

    @Option(names = "--hang-for", paramLabel = "TIME", converter = DurationConverter.class,
            description = "How long a hanging Kafka transaction stays open (default: 15s).")
    Long hangMs;

    @Option(names = "--topic", paramLabel = "NAME", description = "Topic of every record (default: txn-events).")
    String topic;

    @Option(names = "--key", paramLabel = "txn_id|account", converter = RecordKeyConverter.class,
            description = "What each business event's record is keyed by: its txn_id (default), or its transaction's "
                    + "account, as producers that partition by customer do; every event of a transaction has the same key.")
    RecordKey key;

    /** {@code txn_id} or {@code account}, as the wire writes them. */
    static final class RecordKeyConverter implements picocli.CommandLine.ITypeConverter<RecordKey> {
        @Override
        public RecordKey convert(String value) {
            try {
                return RecordKey.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    // --- time and identity ----------------------------------------------------------------------

    @Option(names = "--start-time", paramLabel = "INSTANT", converter = InstantConverter.class,
            description = "Event time of scenario time 0 (default: 2026-01-01T00:00:00Z in file mode, now when"
                    + " streaming).")
    Long startTime;

    @Option(names = "--id-prefix", paramLabel = "TEXT",
            description = "Prefix of every txn_id (default: s<seed>-, so different seeds never share ids).")
    String idPrefix;

    // --- what the truth assumes -----------------------------------------------------------------

    @Option(names = "--stuck-timeout", paramLabel = "TIME", converter = DurationConverter.class,
            description = "Silence after which the job calls a transaction stuck; the truth assumes it (default: 10s).")
    Long stuckTimeoutMs;

    @Option(names = "--abort-grace", paramLabel = "TIME", converter = DurationConverter.class,
            description = "The job's grace past a close before it may call the transaction aborted (default: 3s).")
    Long abortGraceMs;

    @Option(names = "--out-of-orderness", paramLabel = "TIME", converter = DurationConverter.class,
            description = "The disorder bound: no record is published more than this after its event time"
                    + " (default: 2s).")
    Long outOfOrdernessMs;

    @Option(names = "--outlier-factor", paramLabel = "X",
            description = "The job's outlier rule: duration above X times its type's median (default: 4).")
    Double outlierFactor;

    /**
     * The parameters: the preset (or defaults), overridden by every option given.
     *
     * @param streaming start at the wall clock unless --start-time is given
     * @param rateOverride a rate from another option (stream's --event-rate), or null
     * @throws IllegalArgumentException with every problem, each naming its option
     */
    public SimulationParams resolve(boolean streaming, Double rateOverride) {
        SimulationParams base = preset == null ? SimulationParams.builder().build() : Presets.named(preset);
        SimulationParams.Builder b = base.toBuilder();
        if (seed != null) {
            b.seed(seed);
        }
        applyLoad(base, b, rateOverride != null ? rateOverride : rate);
        if (concurrency != null) b.concurrency(concurrency);
        if (typeMix != null) b.typeMix(typeMix);
        if (accounts != null) b.accounts(accounts);
        if (latencyScale != null) b.latencyScale(latencyScale);
        if (failed != null) b.failedShare(failed);
        if (outliers != null) b.outlierShare(outliers);
        if (outlierSlowdownMin != null) b.outlierSlowdownMin(outlierSlowdownMin);
        if (outlierSlowdownMax != null) b.outlierSlowdownMax(outlierSlowdownMax);
        if (stuck != null) b.stuckShare(stuck);
        if (lateClose != null) b.lateCloseShare(lateClose);
        if (duplicates != null) b.duplicateShare(duplicates);
        if (outOfOrder != null) b.outOfOrderShare(outOfOrder);
        if (bursts != null) b.burstShare(bursts);
        if (burstSize != null) b.burstSize(burstSize);
        if (burstWindowMs != null) b.burstWindowMs(burstWindowMs);
        if (malformed != null) b.malformedShare(malformed);
        if (producers != null) b.producers(producers);
        if (kafkaTxnMs != null) b.kafkaTxnMs(kafkaTxnMs);
        if (aborts != null) b.abortShare(aborts);
        if (hangs != null) b.hangs(hangs);
        if (hangMs != null) b.hangMs(hangMs);
        if (topic != null) b.topic(topic);
        if (key != null) b.key(key);
        if (startTime != null) {
            b.startEpochMs(startTime);
        } else if (streaming) {
            b.startEpochMs(System.currentTimeMillis());
        }
        if (idPrefix != null) b.idPrefix(idPrefix);
        if (stuckTimeoutMs != null) b.stuckTimeoutMs(stuckTimeoutMs);
        if (abortGraceMs != null) b.abortGraceMs(abortGraceMs);
        if (outOfOrdernessMs != null) b.outOfOrdernessMs(outOfOrdernessMs);
        if (outlierFactor != null) b.outlierFactor(outlierFactor);
        return b.build().validate();
    }

    /**
     * Count, duration and rate over-determine each other. Given two, they are used as given; given
     * one, it replaces its counterpart in the base while the base's rate (or duration) stays.
     */
    private void applyLoad(SimulationParams base, SimulationParams.Builder b, Double givenRate) {
        int given = (count != null ? 1 : 0) + (durationMs != null ? 1 : 0) + (givenRate != null ? 1 : 0);
        if (given == 3) {
            throw new IllegalArgumentException(
                    "--count, --duration and --rate are all given; give at most two (the third follows from them)");
        }
        double baseRate = base.count() > 0 && base.durationMs() > 0
                ? base.count() * 1000.0 / base.durationMs()
                : base.rate();
        if (given == 2) {
            b.count(count != null ? count : 0);
            b.durationMs(durationMs != null ? durationMs : 0);
            if (givenRate != null) {
                b.rate(givenRate);
            }
        } else if (count != null) {
            b.count(count).durationMs(0).rate(baseRate);
        } else if (durationMs != null) {
            b.durationMs(durationMs).count(0).rate(baseRate);
        } else if (givenRate != null) {
            b.rate(givenRate);
            if (base.durationMs() > 0) {
                b.count(0);
            }
        }
    }
}
