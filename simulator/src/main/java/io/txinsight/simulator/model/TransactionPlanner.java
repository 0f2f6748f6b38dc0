package io.txinsight.simulator.model;

import io.txinsight.events.BusinessEvent;
import io.txinsight.events.CloseStatus;
import io.txinsight.events.EventType;
import io.txinsight.simulator.SimulationParams;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Plans one business transaction: its type, payload, step timings, the trouble injected into it,
 * and when each of its records is published.
 *
 * <p>Event time equals publish time (start time plus scenario time) except for records published
 * late on purpose (out of order, resent duplicates); those stay within the disorder bound, half
 * of it each, so even a late resend of a late record is never "late" for the job's watermark.
 */
public final class TransactionPlanner {

    private final SimulationParams p;
    private final SplittableRandom rng;
    private final OpenPayload payload;
    private final List<TransactionType> types;
    private final double[] cumulativeWeights;
    private final double scale;
    private final long maxGap;
    private final long start;
    private final long span;
    private final int idWidth;
    // Trouble shares scaled up for the part of the span where each trouble fits, so that the
    // share over the whole scenario matches what was asked for.
    private final double stuckCut;
    private final double lateCut;
    private final double outlierCut;
    private final long halfDisorder;
    private long order;

    // Scratch space for one transaction's timeline: event i at times[i].
    private long[] times = new long[32];
    private final EventType[] kinds = new EventType[32];
    private final String[] steps = new String[32];

    public TransactionPlanner(SimulationParams p, SplittableRandom rng, OpenPayload payload) {
        this.p = p;
        this.rng = rng;
        this.payload = payload;
        this.types = p.activeTypes();
        this.cumulativeWeights = new double[types.size()];
        double sum = 0;
        for (int i = 0; i < types.size(); i++) {
            sum += p.typeMix().get(types.get(i).name());
            cumulativeWeights[i] = sum;
        }
        for (int i = 0; i < cumulativeWeights.length; i++) {
            cumulativeWeights[i] /= sum;
        }
        this.scale = p.latencyScale();
        this.maxGap = Math.max(1, p.maxOrdinaryGapMs());
        this.start = p.startEpochMs();
        this.span = p.spanMs();
        long expected = p.count() > 0 ? p.count() : Math.round(p.rate() * span / 1000.0) * 2;
        this.idWidth = Math.max(6, Long.toString(expected).length());
        double stuck = scaled(p.stuckShare(), span - p.stuckMarginMs());
        double late = scaled(p.lateCloseShare(), span - p.lateSilenceMaxMs() - p.tailGuardMs());
        this.stuckCut = stuck;
        this.lateCut = stuck + late;
        this.outlierCut = stuck + late + p.outlierShare();
        this.halfDisorder = p.outOfOrdernessMs() / 2;
    }

    private double scaled(double share, long eligibleMs) {
        if (share <= 0 || eligibleMs <= 0) {
            return 0;
        }
        return Math.min(1.0, share * span / (double) eligibleMs);
    }

    /**
     * Plans the transaction of one arrival and hands its records, in any order, to {@code out}.
     *
     * @param burst the velocity burst the arrival belongs to, or -1
     */
    public PlannedTransaction plan(long index, long openAt, int account, long burst, List<PendingRecord> out) {
        TransactionType type = pickType();
        String txnId = p.idPrefix() + OpenPayload.pad(index, idWidth);
        PlannedTransaction txn = new PlannedTransaction(index, txnId, type.name(), openAt, (int) (index % p.producers()),
                payload.accountId(account), burst);

        double u = rng.nextDouble();
        Trouble trouble = u < stuckCut ? Trouble.STUCK
                : u < lateCut ? Trouble.LATE_CLOSE
                : u < outlierCut ? Trouble.OUTLIER
                : Trouble.NONE;
        boolean failed = rng.nextDouble() < p.failedShare();
        List<TransactionType.Step> stepList = type.steps();
        int executed = stepList.size();
        if (failed) {
            executed = 1 + rng.nextInt(stepList.size()); // the last executed step is the one that failed
        }
        int slowStep = trouble == Trouble.OUTLIER ? rng.nextInt(executed) : -1;

        // The full timeline: open, (step_open, step_done) per executed step, close.
        int n = 0;
        long t = openAt;
        times[n] = t; kinds[n] = EventType.TRANSACTION_OPEN; steps[n] = null; n++;
        for (int j = 0; j < executed; j++) {
            TransactionType.Step step = stepList.get(j);
            LogNormal gap = j == 0 ? TransactionType.EDGE_GAP : type.interStepGap();
            t += Math.min(maxGap, gap.sample(rng, scale));
            times[n] = t; kinds[n] = EventType.STEP_OPEN; steps[n] = step.name(); n++;
            long dur = Math.min(maxGap, step.duration().sample(rng, scale));
            if (j == slowStep) {
                double factor = p.outlierSlowdownMin() + rng.nextDouble() * (p.outlierSlowdownMax() - p.outlierSlowdownMin());
                dur = Math.min(maxGap, dur + Math.round(factor * type.nominalMedianMs() * scale));
            }
            t += dur;
            times[n] = t; kinds[n] = EventType.STEP_DONE; steps[n] = step.name(); n++;
        }
        long closeGap = Math.min(maxGap, TransactionType.EDGE_GAP.sample(rng, scale));
        long lateGap = p.lateSilenceMinMs() + (long) (rng.nextDouble() * (p.lateSilenceMaxMs() - p.lateSilenceMinMs()));
        int stuckAfter = rng.nextInt(n); // a stuck transaction keeps events 0..stuckAfter
        if (trouble == Trouble.LATE_CLOSE && t + lateGap > span - p.tailGuardMs()) {
            trouble = Trouble.NONE; // too near the end for the job to see the silence and the close
        }
        t += trouble == Trouble.LATE_CLOSE ? lateGap : closeGap;
        times[n] = t; kinds[n] = EventType.TRANSACTION_CLOSE; steps[n] = null; n++;
        if (trouble == Trouble.STUCK
                && times[stuckAfter] + p.outOfOrdernessMs() > span - p.stuckMarginMs()) {
            trouble = Trouble.NONE; // too near the end for the job's clock to pass the timeout
        }
        int kept = trouble == Trouble.STUCK ? stuckAfter + 1 : n;

        txn.trouble = trouble;
        if (trouble != Trouble.STUCK) {
            txn.status = failed ? CloseStatus.FAILED : CloseStatus.SUCCESS;
            txn.closeAt = times[n - 1];
        }

        // Publish times: event time, unless disorder moves one record later.
        int base = out.size();
        long lastAt = 0;
        for (int i = 0; i < kept; i++) {
            BusinessEvent e = event(txn, type, account, i);
            out.add(new PendingRecord(times[i], order++, txn, e));
            lastAt = Math.max(lastAt, times[i]);
        }
        if (p.outOfOrderShare() > 0 && rng.nextDouble() < p.outOfOrderShare()) {
            lastAt = Math.max(lastAt, disorder(txn, out, base, kept, trouble));
        }
        if (p.duplicateShare() > 0 && rng.nextDouble() < p.duplicateShare()) {
            PendingRecord original = out.get(base + rng.nextInt(kept));
            long delay = Math.min(halfDisorder, 5 + rng.nextInt(496));
            out.add(new PendingRecord(original.at + delay, order++, txn, original.event));
            txn.duplicates++;
            lastAt = Math.max(lastAt, original.at + delay);
        }
        txn.lastAt = lastAt;
        return txn;
    }

    /**
     * Publishes one record after a later one: the open after the first step_open, or the last
     * step_done after the close. Returns the latest publish time it set, or 0.
     */
    private long disorder(PlannedTransaction txn, List<PendingRecord> out, int base, int kept, Trouble trouble) {
        boolean openLate = kept >= 2 && times[1] - times[0] + 1 <= halfDisorder;
        boolean doneLate = kept >= 3 && trouble != Trouble.LATE_CLOSE
                && kinds[kept - 1] == EventType.TRANSACTION_CLOSE
                && times[kept - 1] - times[kept - 2] + 1 <= halfDisorder;
        if (!openLate && !doneLate) {
            return 0;
        }
        boolean pickOpen = openLate && (!doneLate || rng.nextBoolean());
        int moved = pickOpen ? 0 : kept - 2;
        int after = pickOpen ? 1 : kept - 1;
        long budget = halfDisorder - (times[after] - times[moved]);
        long at = times[after] + 1 + rng.nextInt((int) Math.min(20, budget));
        PendingRecord old = out.get(base + moved);
        out.set(base + moved, new PendingRecord(at, old.order, txn, old.event));
        return at;
    }

    private BusinessEvent event(PlannedTransaction txn, TransactionType type, int account, int i) {
        long ts = start + times[i];
        switch (kinds[i]) {
            case TRANSACTION_OPEN:
                return BusinessEvent.open(txn.txnId, ts, type.name(), payload.forOpen(type, account, rng));
            case STEP_OPEN:
                return BusinessEvent.stepOpen(txn.txnId, ts, steps[i]);
            case STEP_DONE:
                return BusinessEvent.stepDone(txn.txnId, ts, steps[i]);
            default:
                return BusinessEvent.close(txn.txnId, ts, txn.status);
        }
    }

    private TransactionType pickType() {
        if (cumulativeWeights.length == 1) {
            return types.get(0);
        }
        double u = rng.nextDouble();
        for (int i = 0; i < cumulativeWeights.length - 1; i++) {
            if (u < cumulativeWeights[i]) {
                return types.get(i);
            }
        }
        return types.get(cumulativeWeights.length - 1);
    }
}
