package io.txinsight.job.tracker;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Decides whether a closed transaction took unusually long for its type: longer than
 * {@code outlierFactor} times the running median of its type (a wider bar during the warm-up,
 * see below), or longer than the type's configured SLO.
 *
 * <p>A relative threshold because "slow" means different things for a card payment and a
 * cross-border transfer, and a robust one (the median, not the mean) because the outliers must
 * not move the yardstick they are measured against. Each subtask learns its own medians from the
 * transactions it closes; with keys spread by hash every subtask sees a fair sample of each type.
 * The medians travel in checkpoints ({@link TrackerMemory}), so a restored job judges against
 * what it had learned instead of warming up again.
 *
 * <p>Warm-up: until {@code outlierWarmup} durations of a type have been seen, its median comes
 * from a handful of samples and is held to a wider bar ({@link #WARM_UP_MARGIN} times the
 * factor), from {@link #FEWEST_TO_JUDGE} samples on. The warm-up used to judge nothing at all,
 * and since every subtask warms up on its own, that left the first {@code outlierWarmup} closes
 * of every type on every subtask unjudged (200 at the default 20, five types and parallelism
 * 2): a tenth of a short workload, and every slow transaction among them was missed. A slow
 * step worth flagging (the simulator's are at least 8 times the type's median, against a factor
 * of 4) stands out against the median of three samples already; the wider bar keeps a natural
 * transaction (rarely above 3 times the median) from being flagged by a median that happened
 * to start low.
 *
 * <p>Bounded: at most {@code maxTypes} medians (types come from producers); transactions of types
 * beyond that are judged by their SLO only.
 */
final class OutlierDetector {
    static final int DEFAULT_MAX_TYPES = 1_000;
    /**
     * The fewest durations of a type whose median a close is judged against. Three, so that the
     * median is never a single sample (one failed transaction, which ran only its first step,
     * would make every full one look slow) and one outlier among them cannot become the median.
     */
    static final int FEWEST_TO_JUDGE = 3;
    /**
     * During warm-up the threshold is this many times {@code factor} times the median: the
     * median of a few samples can sit well below the type's real one. 1.5 (6x the median at the
     * default factor 4) leaves room on both sides: natural durations stay below 3x the median,
     * slow steps add 8x and more.
     */
    static final double WARM_UP_MARGIN = 1.5;
    /** Transactions without a type are compared among themselves. */
    private static final String UNTYPED = "";

    private final double factor;
    private final int warmup;
    private final Map<String, Long> sloByTypeMs;
    private final int maxTypes;
    private final Map<String, StreamingMedian> medians = new HashMap<>();

    OutlierDetector(double factor, int warmup, Map<String, Long> sloByTypeMs, int maxTypes) {
        this.factor = factor;
        this.warmup = warmup;
        this.sloByTypeMs = sloByTypeMs == null ? Map.of() : sloByTypeMs;
        this.maxTypes = maxTypes;
    }

    static OutlierDetector of(TrackerSettings settings) {
        return new OutlierDetector(
                settings.outlierFactor(), settings.outlierWarmup(), settings.sloByTypeMs(), DEFAULT_MAX_TYPES);
    }

    /** A detector that keeps nothing: reads past another subtask's medians on restore. */
    static OutlierDetector discarding() {
        return new OutlierDetector(1.0, 0, Map.of(), 0);
    }

    /** Judges one closed duration against what came before, then learns from it. */
    boolean judge(String txnType, long durationMs) {
        String type = txnType == null ? UNTYPED : txnType;
        Long slo = txnType == null ? null : sloByTypeMs.get(txnType);
        boolean outlier = slo != null && durationMs > slo;
        StreamingMedian median = medians.get(type);
        if (median == null && medians.size() < maxTypes) {
            median = new StreamingMedian();
            medians.put(type, median);
        }
        if (median != null) {
            long seen = median.count();
            double bar = seen >= warmup ? factor : seen >= FEWEST_TO_JUDGE ? factor * WARM_UP_MARGIN : Double.NaN;
            if (!Double.isNaN(bar) && durationMs > bar * Math.max(1.0, median.median())) {
                outlier = true;
            }
            median.add(durationMs);
        }
        return outlier;
    }

    void writeTo(DataOutput out) throws IOException {
        out.writeInt(medians.size());
        for (Map.Entry<String, StreamingMedian> e : medians.entrySet()) {
            out.writeUTF(e.getKey());
            e.getValue().writeTo(out);
        }
    }

    /** Takes the medians written by {@link #writeTo}, as far as {@code maxTypes} allows. */
    void readFrom(DataInput in) throws IOException {
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            String type = in.readUTF();
            StreamingMedian m = StreamingMedian.readFrom(in);
            if (medians.size() < maxTypes || medians.containsKey(type)) {
                medians.put(type, m);
            }
        }
    }

    /** The current median of a type, NaN if none; for tests and diagnostics. */
    double medianOf(String txnType) {
        StreamingMedian m = medians.get(txnType == null ? UNTYPED : txnType);
        return m == null ? Double.NaN : m.median();
    }
}
