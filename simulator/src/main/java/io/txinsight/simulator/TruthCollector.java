package io.txinsight.simulator;

import io.txinsight.events.CloseStatus;
import io.txinsight.events.Truth;
import io.txinsight.events.Verdict;
import io.txinsight.simulator.model.PlannedTransaction;
import io.txinsight.simulator.model.Trouble;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns planned transactions (and where their closes landed) into the truth the job must reach.
 *
 * <p>The verdict follows from the records alone: a close committed in some Kafka transaction
 * means closed (with the close's status); closes only in aborted or hanging transactions mean
 * aborted; no close means stuck, unless none of its records was committed: Kafka rolled it back
 * whole, which the job proves, so aborted. Late closes count as outliers too, since their duration is far
 * above the median and the job cannot tell them apart from a slow step; an outlier whose close
 * aborted is not one, as the job never sees a committed duration for it.
 *
 * <p>A velocity burst is in the truth when it is complete: all {@code --burst-size} of its
 * transactions opened within {@code --burst-window}, which is more than the job's velocity limit
 * of burst size - 1 within that window (the truth's timing says so). A burst cut short by the end
 * of the arrivals is not one. Every open counts, whatever becomes of its transaction (failed,
 * stuck, rolled back by a Kafka abort): the job judges velocity on the monitor view, which sees
 * every attempt, as a fraud check should.
 */
final class TruthCollector {

    private TruthCollector() {}

    static Truth build(SimulationParams p, List<PlannedTransaction> planned, long events, long malformed) {
        long start = p.startEpochMs();
        List<Truth.Transaction> out = new ArrayList<>(planned.size());
        Map<Verdict, Long> byVerdict = emptyCounts();
        Map<String, Map<Verdict, Long>> byType = new TreeMap<>();
        long[] durations = new long[planned.size()];
        int closed = 0;
        long outliers = 0;
        long stuckAlerts = 0;
        for (PlannedTransaction t : planned) {
            Verdict verdict;
            if (!t.hasClose()) {
                verdict = t.rolledBackWhole() ? Verdict.ABORTED : Verdict.STUCK;
            } else if (t.closeCommitted()) {
                verdict = t.status() == CloseStatus.FAILED ? Verdict.CLOSED_FAILED : Verdict.CLOSED_SUCCESS;
            } else {
                verdict = Verdict.ABORTED;
            }
            boolean isClosed = verdict == Verdict.CLOSED_SUCCESS || verdict == Verdict.CLOSED_FAILED;
            // Records rolled back at once are proven so before their stuck deadline: no alert. Held
            // in a hanging Kafka transaction, they may be silent long enough for one first.
            boolean stuckAlert = (t.trouble() == Trouble.STUCK || t.trouble() == Trouble.LATE_CLOSE)
                    && (!t.rolledBackWhole() || t.anyRecordHung());
            boolean outlier = isClosed && (t.trouble() == Trouble.OUTLIER || t.trouble() == Trouble.LATE_CLOSE);
            Long closedAt = t.hasClose() ? start + t.closeAt() : null;
            Long duration = t.hasClose() ? t.closeAt() - t.openAt : null;
            out.add(new Truth.Transaction(
                    t.txnId, t.txnType, verdict, start + t.openAt, closedAt, duration, outlier, stuckAlert,
                    t.duplicates()));
            byVerdict.merge(verdict, 1L, Long::sum);
            byType.computeIfAbsent(t.txnType, k -> emptyCounts()).merge(verdict, 1L, Long::sum);
            if (isClosed) {
                durations[closed++] = duration;
            }
            if (outlier) {
                outliers++;
            }
            if (stuckAlert) {
                stuckAlerts++;
            }
        }
        List<Truth.VelocityBurst> velocity = velocityBursts(p, planned);
        Truth.Summary summary = new Truth.Summary(
                planned.size(), events, malformed, byVerdict, byType, percentiles(durations, closed), outliers,
                stuckAlerts, velocity.size());
        Truth.Timing timing = new Truth.Timing(
                p.stuckTimeoutMs(), p.abortGraceMs(), p.outOfOrdernessMs(), p.outlierFactor(),
                p.burstSize() - 1, p.burstWindowMs());
        return new Truth(p.toMap(), timing, summary, out, velocity);
    }

    /** The complete bursts, in the order they started. */
    static List<Truth.VelocityBurst> velocityBursts(SimulationParams p, List<PlannedTransaction> planned) {
        Map<Long, List<PlannedTransaction>> byBurst = new LinkedHashMap<>();
        for (PlannedTransaction t : planned) {
            if (t.burst >= 0) {
                byBurst.computeIfAbsent(t.burst, b -> new ArrayList<>(p.burstSize())).add(t);
            }
        }
        long start = p.startEpochMs();
        List<Truth.VelocityBurst> bursts = new ArrayList<>();
        for (List<PlannedTransaction> members : byBurst.values()) {
            if (members.size() < p.burstSize()) {
                continue;
            }
            List<String> ids = new ArrayList<>(members.size());
            members.forEach(m -> ids.add(m.txnId));
            bursts.add(new Truth.VelocityBurst(members.get(0).account,
                    start + members.get(0).openAt, start + members.get(members.size() - 1).openAt, ids));
        }
        return bursts;
    }

    private static Map<Verdict, Long> emptyCounts() {
        Map<Verdict, Long> m = new EnumMap<>(Verdict.class);
        for (Verdict v : Verdict.values()) {
            m.put(v, 0L);
        }
        return m;
    }

    /** Nearest-rank percentiles of the closed transactions' durations; null when none closed. */
    static Map<String, Long> percentiles(long[] values, int n) {
        if (n == 0) {
            return null;
        }
        long[] sorted = Arrays.copyOf(values, n);
        Arrays.sort(sorted);
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("p50", rank(sorted, 0.50));
        m.put("p90", rank(sorted, 0.90));
        m.put("p95", rank(sorted, 0.95));
        m.put("p99", rank(sorted, 0.99));
        m.put("max", sorted[n - 1]);
        return m;
    }

    private static long rank(long[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
