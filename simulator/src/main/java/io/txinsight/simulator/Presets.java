package io.txinsight.simulator;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named parameter sets, one per scenario script ({@code scenarios/NN_name.sh}), plus {@code mixed}
 * with a little of every trouble for demos.
 *
 * <p>All but high_throughput replay in 30-40 s at 1x with a few thousand transactions, small
 * enough for end-to-end tests; each uses the scenario timing of the truth (stuck timeout 10 s,
 * abort grace 3 s, disorder bound 2 s) and its own fixed seed.
 */
public final class Presets {

    /**
     * One preset.
     *
     * @param name its name, also the scenario directory's suffix
     * @param alias a short name accepted in its place
     * @param number the scenario script's number (0: no script)
     * @param description what it exercises
     * @param params its parameters
     */
    public record Preset(String name, String alias, int number, String description, SimulationParams params) {
        /** The scenario directory name, e.g. {@code 02_stuck_transactions}. */
        public String directoryName() {
            return number > 0 ? String.format("%02d_%s", number, name) : name;
        }
    }

    private static final Map<String, Preset> PRESETS = new LinkedHashMap<>();

    static {
        add(1, "high_throughput", "throughput",
                "50,000 transactions in 30 s (~17,000 events/s), light trouble: sustained load for throughput and lag",
                base("high_throughput", 1).count(50_000).durationMs(30_000)
                        // Enough accounts that 1,700 transactions/s never look like a velocity burst.
                        .accounts(100_000)
                        .failedShare(0.03).outlierShare(0.01).duplicateShare(0.01).abortShare(0.02));
        add(2, "stuck_transactions", "stuck",
                "1,200 transactions in 40 s; 5% stop before their close, 2% close late (after the stuck timeout)",
                base("stuck_transactions", 2).count(1200).durationMs(40_000)
                        .stuckShare(0.05).lateCloseShare(0.02));
        add(3, "aborted_kafka_transactions", "aborted",
                "1,500 transactions in 30 s; 10% of Kafka transactions abort, rolling back the closes they carry",
                base("aborted_kafka_transactions", 3).count(1500).durationMs(30_000)
                        .abortShare(0.10).duplicateShare(0.02));
        add(4, "outliers_and_disorder", "outliers",
                "2,000 transactions in 30 s; 5% outliers, 20% out of order, 5% duplicates, some malformed records",
                base("outliers_and_disorder", 4).count(2000).durationMs(30_000)
                        .outlierShare(0.05).outOfOrderShare(0.20).duplicateShare(0.05).malformedShare(0.005));
        add(5, "account_velocity", "velocity",
                "1,500 transactions in 30 s over 1,000 accounts; 2% start a burst of 6 from one account within 3 s",
                base("account_velocity", 5).count(1500).durationMs(30_000)
                        .accounts(1000).burstShare(0.02).burstSize(6).burstWindowMs(3000));
        add(6, "hanging_kafka_transaction", "hanging",
                "1,200 transactions in 40 s; one Kafka transaction stays open 15 s (pins the last stable offset),"
                        + " then aborts; 2% other aborts",
                base("hanging_kafka_transaction", 6).count(1200).durationMs(40_000)
                        .producers(3).hangs(1).hangMs(15_000).abortShare(0.02));
        add(0, "mixed", "demo",
                "2,000 transactions in 40 s with a little of every trouble, one hanging Kafka transaction included",
                base("mixed", 7).count(2000).durationMs(40_000)
                        .outlierShare(0.03).stuckShare(0.02).lateCloseShare(0.01).duplicateShare(0.03)
                        .outOfOrderShare(0.10).burstShare(0.01).malformedShare(0.002).abortShare(0.03)
                        .hangs(1).hangMs(10_000));
    }

    private Presets() {}

    private static SimulationParams.Builder base(String name, long seed) {
        return SimulationParams.builder().name(name).seed(seed).failedShare(0.05);
    }

    private static void add(int number, String name, String alias, String description, SimulationParams.Builder b) {
        PRESETS.put(name, new Preset(name, alias, number, description, b.build().validate()));
    }

    /** Every preset, in script order. */
    public static Map<String, Preset> all() {
        return Collections.unmodifiableMap(PRESETS);
    }

    /** A preset by name or alias. */
    public static Preset preset(String nameOrAlias) {
        Preset p = PRESETS.get(nameOrAlias);
        if (p != null) {
            return p;
        }
        for (Preset candidate : PRESETS.values()) {
            if (candidate.alias().equals(nameOrAlias)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException(
                "unknown preset '" + nameOrAlias + "'; known presets: " + String.join(", ", PRESETS.keySet())
                        + " (run 'presets' to list them)");
    }

    /** The parameters of a preset, by name or alias, e.g. {@code Presets.named("stuck")}. */
    public static SimulationParams named(String nameOrAlias) {
        return preset(nameOrAlias).params();
    }
}
