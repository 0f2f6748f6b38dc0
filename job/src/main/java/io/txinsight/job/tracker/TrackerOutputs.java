package io.txinsight.job.tracker;

import io.txinsight.events.Alert;
import io.txinsight.events.BlockingKafkaTransaction;
import io.txinsight.events.Outcome;
import io.txinsight.job.records.ViewEvent;
import io.txinsight.job.tracker.lifecycle.Blocker;
import io.txinsight.job.tracker.lifecycle.Decision;
import io.txinsight.job.tracker.lifecycle.PackedAmount;
import io.txinsight.job.tracker.lifecycle.TxnLifecycle;
import io.txinsight.job.tracker.lifecycle.TxnState;
import java.util.List;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Carries out the lifecycle's decisions that leave the tracker: outcomes, stuck alerts and
 * metrics. Also where a Closed outcome is judged for outliers and remembered as recently closed,
 * because both learn from outcomes, not from the lifecycle's rules.
 */
final class TrackerOutputs {
    private final TrackerMetrics metrics;
    private final OutlierDetector outliers;
    private final RecentlyClosed recentlyClosed;

    TrackerOutputs(TrackerMetrics metrics, OutlierDetector outliers, RecentlyClosed recentlyClosed) {
        this.metrics = metrics;
        this.outliers = outliers;
        this.recentlyClosed = recentlyClosed;
    }

    /** Reports one decision about transaction {@code txnId}, known as {@code s} (null for a straggler). */
    void report(Decision d, TxnState s, String txnId,
            KeyedCoProcessFunction<String, ViewEvent, ViewEvent, Outcome>.Context ctx, Collector<Outcome> out) {
        String type = s == null ? null : s.txnType();
        if (d instanceof Decision.Late late) {
            metrics.late(late.view());
        } else if (d instanceof Decision.Duplicate duplicate) {
            metrics.duplicate(duplicate.view());
        } else if (d instanceof Decision.Opened) {
            metrics.opened(type);
        } else if (d instanceof Decision.TentativelyClosed) {
            metrics.tentativelyClosed(type);
        } else if (d instanceof Decision.TentativeDuration t) {
            metrics.tentativeDuration(type, t.ms());
        } else if (d instanceof Decision.StepTook step) {
            metrics.stepDuration(type, step.step(), step.ms());
        } else if (d instanceof Decision.GapBeforeStep gap) {
            metrics.interStepGap(type, gap.ms());
        } else if (d instanceof Decision.HeldBy held) {
            if (held.previous() != null) {
                ctx.output(TransactionTracker.HELD_BACK, new HeldBack(held.previous().producerId, txnId, false));
            }
            ctx.output(TransactionTracker.HELD_BACK, new HeldBack(held.holder().producerId, txnId, true));
        } else if (d instanceof Decision.Recovered) {
            metrics.recovered(type);
        } else if (d instanceof Decision.RaiseStuck stuck) {
            ctx.output(TransactionTracker.ALERTS, alert(s, txnId, stuck));
            metrics.stuck(type);
        } else if (d instanceof Decision.Close close) {
            closed(s, txnId, close, out);
        } else if (d instanceof Decision.Abort abort) {
            out.collect(outcome(s, txnId, Outcome.State.ABORTED, null, false, abort.at()));
            metrics.aborted(type);
        } else if (d instanceof Decision.Expire expire) {
            out.collect(outcome(s, txnId, Outcome.State.EXPIRED, null, false, expire.at()));
            metrics.expired(type);
        }
        if (d instanceof Decision.Final && s.close != null && s.close.blockedBy != null) {
            ctx.output(TransactionTracker.HELD_BACK, new HeldBack(s.close.blockedBy.producerId, txnId, false));
        }
        // WakeAt and CancelWake are the timer service's: see TransactionTracker.
    }

    private void closed(TxnState s, String txnId, Decision.Close close, Collector<Outcome> out) {
        Long duration = close.durationMs();
        boolean outlier = duration != null && outliers.judge(s.txnType(), duration);
        out.collect(outcome(s, txnId, Outcome.State.CLOSED, close, outlier, close.at()));
        recentlyClosed.add(txnId, s.close.ts, close.at());
        metrics.closed(s.txnType(), close.result());
        if (duration != null) {
            metrics.committedDuration(s.txnType(), duration);
        }
        metrics.commitLatency(s.txnType(), close.commitLatencyMs());
        if (outlier) {
            metrics.outlier(s.txnType());
        }
        // Only Closed counts money: an aborted or expired transaction moved none (as far as
        // anyone downstream of the committed view can tell).
        if (s.amount != PackedAmount.NONE) {
            metrics.closedAmount(s.txnType(), s.currency(), PackedAmount.toDouble(s.amount));
        }
    }

    private static Alert alert(TxnState s, String txnId, Decision.RaiseStuck stuck) {
        long at = stuck.at();
        return new Alert(
                Alert.STUCK,
                txnId,
                s.txnType(),
                s.openSeen() ? s.startTs : null,
                s.lastEventTs,
                Math.max(0, at - s.startTs),
                Math.max(0, at - s.lastEventTs),
                s.lastStep(),
                stuck.stuckTimeoutMs(),
                at,
                s.close == null ? null : blocking(s.close.blockedBy));
    }

    /** The outcome of a final decision; {@code close} only for Closed. */
    private static Outcome outcome(
            TxnState s, String txnId, Outcome.State state, Decision.Close close, boolean outlier, long at) {
        return new Outcome(
                txnId,
                s.txnType(),
                state,
                close == null ? null : close.result(),
                s.openSeen() ? s.startTs : null,
                s.closeSeen() ? s.close.ts : null,
                TxnLifecycle.durationMs(s),
                close == null ? null : close.commitLatencyMs(),
                outlier,
                s.lastStep(),
                s.stepCount(),
                s.wasStuck(),
                at,
                s.close == null ? null : blocking(s.close.blockedBy));
    }

    private static BlockingKafkaTransaction blocking(Blocker b) {
        return b == null ? null : new BlockingKafkaTransaction(b.transactionalId, b.producerId, List.of(b.partitions));
    }
}
