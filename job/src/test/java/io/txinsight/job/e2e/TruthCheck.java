package io.txinsight.job.e2e;

import io.txinsight.events.Alert;
import io.txinsight.events.Outcome;
import io.txinsight.events.Truth;
import io.txinsight.events.VelocityAlert;
import io.txinsight.events.Verdict;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares what the job wrote with a scenario's truth, transaction by transaction.
 *
 * <p>The job's verdict is its outcome's ({@link Outcome#verdict()}); a transaction with a stuck
 * alert and no outcome is stuck. A truth STUCK transaction is accounted for once its alert
 * arrived; any other once its outcome arrived.
 */
final class TruthCheck {
    private final Truth truth;
    private final Map<String, List<Outcome>> outcomes;
    private final Map<String, List<Alert>> alerts;
    private final List<VelocityAlert> velocity;

    TruthCheck(Truth truth, JobOutputs outputs) {
        this.truth = truth;
        this.outcomes = outputs.outcomes();
        this.alerts = outputs.alerts();
        this.velocity = outputs.velocity();
    }

    /**
     * Velocity alerts against the truth's bursts, as the validator scores them: an alert finds a
     * burst of its account that shares a transaction with it or whose times overlap its own.
     * Returns {precision, recall}.
     */
    double[] velocityPrecisionRecall() {
        List<Truth.VelocityBurst> bursts = truth.velocity();
        long correct = velocity.stream().filter(a -> bursts.stream().anyMatch(b -> finds(a, b))).count();
        long found = bursts.stream().filter(b -> velocity.stream().anyMatch(a -> finds(a, b))).count();
        return new double[] {
            velocity.isEmpty() ? 0 : (double) correct / velocity.size(),
            bursts.isEmpty() ? 0 : (double) found / bursts.size()};
    }

    boolean allBurstsFound() {
        return truth.velocity().stream().allMatch(b -> velocity.stream().anyMatch(a -> finds(a, b)));
    }

    private static boolean finds(VelocityAlert a, Truth.VelocityBurst b) {
        return a.account().equals(b.account()) && (a.txnIds().stream().anyMatch(b.txnIds()::contains)
                || (a.firstAtMs() <= b.lastAtMs() && b.firstAtMs() <= a.lastAtMs()));
    }

    boolean allAccountedFor() {
        return unaccounted() == 0;
    }

    long unaccounted() {
        return truth.transactions().stream()
                .filter(t -> t.verdict() == Verdict.STUCK
                        ? !alerts.containsKey(t.txnId())
                        : !outcomes.containsKey(t.txnId()))
                .count();
    }

    /** The job's verdict for one transaction, or null if it said nothing (yet). */
    Verdict jobVerdict(String txnId) {
        List<Outcome> o = outcomes.get(txnId);
        if (o != null && !o.isEmpty()) {
            return o.get(o.size() - 1).verdict();
        }
        return alerts.containsKey(txnId) ? Verdict.STUCK : null;
    }

    /** Every transaction whose verdict differs, as readable lines. */
    List<String> verdictMismatches() {
        List<String> out = new ArrayList<>();
        for (Truth.Transaction t : truth.transactions()) {
            Verdict job = jobVerdict(t.txnId());
            if (job != t.verdict()) {
                out.add(t.txnId() + " (" + t.txnType() + "): truth " + t.verdict() + ", job " + job
                        + " outcomes=" + outcomes.get(t.txnId()) + " alerts=" + alerts.get(t.txnId()));
            }
        }
        return out;
    }

    /** Transactions with more than one outcome: exactly-once outputs must not repeat. */
    List<String> repeatedOutcomes() {
        List<String> out = new ArrayList<>();
        outcomes.forEach((id, list) -> {
            if (list.size() > 1) {
                out.add(id + ": " + list);
            }
        });
        return out;
    }

    /** txn_ids the job reported that the truth does not know. */
    Set<String> unknownTransactions() {
        Set<String> known = new HashSet<>();
        truth.transactions().forEach(t -> known.add(t.txnId()));
        Set<String> unknown = new HashSet<>(outcomes.keySet());
        unknown.addAll(alerts.keySet());
        unknown.removeAll(known);
        return unknown;
    }

    /** Truth transactions that must raise a stuck alert (stuck ones and late closes) but did not. */
    List<String> missingStuckAlerts() {
        return truth.transactions().stream()
                .filter(t -> t.stuckAlert() && !alerts.containsKey(t.txnId()))
                .map(t -> t.txnId() + " (" + t.verdict() + ")")
                .toList();
    }

    /** Stuck alerts for transactions the truth says never went silent for longer than the timeout. */
    List<String> unexpectedStuckAlerts() {
        return truth.transactions().stream()
                .filter(t -> !t.stuckAlert() && alerts.containsKey(t.txnId()))
                .map(t -> t.txnId() + " (" + t.verdict() + "): " + alerts.get(t.txnId()))
                .toList();
    }

    /** Precision and recall of the outcome's outlier flag against the truth, over closed transactions. */
    double[] outlierPrecisionRecall() {
        int tp = 0;
        int fp = 0;
        int fn = 0;
        for (Truth.Transaction t : truth.transactions()) {
            if (t.verdict() != Verdict.CLOSED_SUCCESS && t.verdict() != Verdict.CLOSED_FAILED) {
                continue;
            }
            List<Outcome> o = outcomes.get(t.txnId());
            boolean flagged = o != null && o.stream().anyMatch(Outcome::outlier);
            if (flagged && t.outlier()) {
                tp++;
            } else if (flagged) {
                fp++;
            } else if (t.outlier()) {
                fn++;
            }
        }
        double precision = tp + fp == 0 ? 1.0 : tp / (double) (tp + fp);
        double recall = tp + fn == 0 ? 1.0 : tp / (double) (tp + fn);
        return new double[] {precision, recall, tp, fp, fn};
    }

    Map<Verdict, Long> jobVerdictCounts() {
        Map<Verdict, Long> counts = new EnumMap<>(Verdict.class);
        for (Truth.Transaction t : truth.transactions()) {
            Verdict v = jobVerdict(t.txnId());
            if (v != null) {
                counts.merge(v, 1L, Long::sum);
            }
        }
        return counts;
    }
}
