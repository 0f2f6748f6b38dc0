package io.txinsight.job.tracker;

import io.txinsight.events.Alert;
import io.txinsight.events.CloseStatus;
import io.txinsight.events.EventType;
import io.txinsight.events.Outcome;
import io.txinsight.job.records.View;
import io.txinsight.job.records.ViewEvent;
import java.io.IOException;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The heart of txinsight: follows every business transaction through the two Kafka views of the
 * same topics and decides, exactly once per transaction, how it ended (docs/design.md §2).
 *
 * <p>Input 1 is the <b>monitor</b> view (read_uncommitted: every record as soon as it is written,
 * records of aborted Kafka transactions included); input 2 the <b>committed</b> view
 * (read_committed: only committed records, and only up to the last stable offset). Both are keyed
 * by {@code txn_id}.
 *
 * <h2>Lifecycle</h2>
 *
 * <ul>
 *   <li><b>Open</b>: created by the first event from either view.
 *   <li><b>TentativelyClosed</b>: the close was seen in the monitor view. It may still be rolled
 *       back by its Kafka transaction, so nothing is final yet.
 *   <li><b>Closed</b> (final): the close was seen in the committed view <i>and</i> the monitor clock
 *       has passed the close time, so the open and the steps (earlier in event time) have had their
 *       chance to arrive before the outcome is written.
 *   <li><b>Aborted</b> (final): {@code abortGraceMs} after the close time, the committed view has
 *       provably passed the close without showing it (the evidence rule, see {@link
 *       CommittedView}). Without evidence the transaction waits, re-checking every {@code
 *       abortRecheckMs}, because elapsed time alone cannot tell an aborted Kafka transaction from a
 *       hanging one.
 *   <li><b>Stuck</b>: no event for the stuck timeout of its type. One alert; progress recovers it, a
 *       late close closes it normally (with {@code was_stuck}).
 *   <li><b>Expired</b> (final): no event for {@code retentionMs}; bounds every state, including a
 *       tentatively closed transaction that never gets its evidence.
 * </ul>
 *
 * <p>Every final state writes one {@link Outcome}, clears all keyed state and deletes its timer.
 *
 * <h2>Two clocks</h2>
 *
 * <p>The timers run on the <b>monitor view's watermark only</b> (see {@link
 * MonitorClockedOperator}): stuck detection matters most when the upstream is in trouble, and the
 * committed view is exactly what stalls then (a hanging Kafka transaction pins it). The committed
 * view's progress enters as data, the highest committed offset per partition, which is what the
 * Aborted verdict needs as evidence. So a stalled committed view delays Aborted verdicts (and the
 * lag gauge shows it) but never stuck alerts.
 *
 * <p>A firing timer decides as of its own deadline, not of the watermark that fired it, so a
 * watermark that jumps (after idleness, or in a fast replay) gives the same answers as one that
 * crept: a transaction silent past its stuck timeout and then past retention gets its alert and
 * then its Expired outcome, with the same timestamps either way.
 *
 * <p>Only the monitor view counts {@code late} events: the committed view is behind the monitor
 * clock by design (by the commit latency), so counting it would measure that lag, not disorder.
 * A late event still applies, but it only recovers a stuck transaction when it shows life within
 * the stuck timeout of the clock; an old event delivered late is no sign of life now.
 *
 * <h2>Disorder and duplicates</h2>
 *
 * <p>Each event kind (open, close, step_open and step_done per step) is remembered per view: the
 * first sighting in either view makes the transition and the metrics; the copy in the other view
 * only marks that view (a committed close is the Closed transition); a repeat in the same view is a
 * duplicate, counted and otherwise ignored. Events may come in any order; an event behind the
 * monitor clock is counted as late and still applied. An event arriving after its transaction
 * has finished does not start a new one: any event of a recently Closed transaction (see {@link
 * RecentlyClosed}) is counted as a duplicate. (A committed copy behind the monitor clock is not
 * assumed to be a straggler: the monitor view may simply be reading its partition later.)
 *
 * <p>One event-time timer per key at most, at or before the earliest pending deadline (stuck,
 * close, abort check, retention), to keep timer state small.
 *
 * <p>Precondition: events carry an event type and a txn_id (the deserializer dead-letters others).
 */
public class TransactionTracker extends KeyedCoProcessFunction<String, ViewEvent, ViewEvent, Outcome>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    public static final String UID = "transaction-tracker";
    public static final String NAME = "TransactionTracker";

    /** Stuck alerts, one per stuck episode of a transaction. */
    public static final OutputTag<Alert> ALERTS = new OutputTag<>("alerts", TypeInformation.of(Alert.class));

    private final TrackerSettings settings;
    private final TrackerMetrics.Factory metricsFactory;

    private transient ValueStateDescriptor<TxnState> descriptor;
    private transient ValueState<TxnState> state;
    private transient TrackerMetrics metrics;
    private transient CommittedView committedView;
    private transient LiveTally tally;
    private transient OutlierDetector outliers;
    private transient NamePool names;
    private transient RecentlyClosed recentlyClosed;
    /** One {@link TrackerMemory} entry per subtask: outlier medians and recently closed ids. */
    private transient ListState<byte[]> memory;

    public TransactionTracker(TrackerSettings settings, TrackerMetrics.Factory metricsFactory) {
        this.settings = settings;
        this.metricsFactory = metricsFactory;
    }

    /**
     * Keys both views by {@code txn_id}, connects them and applies the tracker on the monitor
     * view's clock. Alerts: {@code result.getSideOutput(TransactionTracker.ALERTS)}.
     */
    public static SingleOutputStreamOperator<Outcome> track(
            DataStream<ViewEvent> monitor,
            DataStream<ViewEvent> committed,
            TrackerSettings settings,
            TrackerMetrics.Factory metrics) {
        return monitor.keyBy(new ByTxnId())
                .connect(committed.keyBy(new ByTxnId()))
                .transform(
                        NAME,
                        TypeInformation.of(Outcome.class),
                        new MonitorClockedOperator(new TransactionTracker(settings, metrics)))
                .uid(UID)
                .name(NAME);
    }

    /** The key of both inputs. */
    public static final class ByTxnId implements KeySelector<ViewEvent, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(ViewEvent e) {
            return e.txnId;
        }
    }

    @Override
    public void open(OpenContext openContext) {
        descriptor = new ValueStateDescriptor<>("txn", TypeInformation.of(TxnState.class));
        state = getRuntimeContext().getState(descriptor);
        committedView = new CommittedView();
        tally = new LiveTally(committedView);
        names = new NamePool(NamePool.DEFAULT_CAPACITY);
        metrics = metricsFactory.create(getRuntimeContext().getMetricGroup(), tally);
    }

    /**
     * Runs before {@link #open} (Flink initializes operator state first, also when there is none
     * to restore): creates the outlier detector and the recently closed memory, and restores what
     * the subtasks had learned (see {@link TrackerMemory}).
     */
    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        memory = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("tracker-memory", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        outliers = OutlierDetector.of(settings);
        recentlyClosed = new RecentlyClosed(settings.recentlyClosedMemory());
        if (context.isRestored()) {
            TaskInfo task = getRuntimeContext().getTaskInfo();
            TrackerMemory.restore(memory.get(), task.getIndexOfThisSubtask(), task.getNumberOfParallelSubtasks(),
                    task.getMaxNumberOfParallelSubtasks(), outliers, recentlyClosed);
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        memory.update(List.of(TrackerMemory.encode(
                getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(), outliers, recentlyClosed)));
    }

    @Override
    public void processElement1(ViewEvent e, Context ctx, Collector<Outcome> out) throws Exception {
        onEvent(e, View.MONITOR, ctx, out);
    }

    @Override
    public void processElement2(ViewEvent e, Context ctx, Collector<Outcome> out) throws Exception {
        onEvent(e, View.COMMITTED, ctx, out);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Outcome> out) throws Exception {
        TxnState s = state.value();
        if (s == null) {
            return;
        }
        if (s.timerTs == timestamp) {
            s.timerTs = TxnState.NO_TIMER;
        }
        long before = LiveTally.code(s);
        // Decide as of the deadline, not as of the (possibly much later) watermark that fired it:
        // the answers then do not depend on how coarsely the watermark advanced.
        boolean gone = evaluate(s, timestamp, ctx.timerService().currentWatermark(), ctx, out);
        tally.move(before, gone ? LiveTally.GONE : LiveTally.code(s));
    }

    private void onEvent(ViewEvent e, View view, Context ctx, Collector<Outcome> out) throws Exception {
        long now = ctx.timerService().currentWatermark();
        if (view == View.MONITOR) {
            committedView.monitor(e.ts);
            if (e.ts < now) {
                metrics.late(View.MONITOR);
            }
        } else {
            committedView.committed(e.topic, e.partition, e.offset, e.ts);
        }
        TxnState s = state.value();
        long before;
        if (s == null) {
            // A straggling copy of a transaction closed here recently is not a new transaction.
            // A committed copy behind the monitor clock is NOT taken as one: the watermark does
            // not promise its monitor copy was seen (a monitor partition that lags, or was idle
            // at start-up, delivers it late), and dropping it would lose a real close.
            if (recentlyClosed.contains(e.txnId)) {
                metrics.duplicate(view);
                return;
            }
            s = TxnState.startedBy(e.ts);
            before = LiveTally.GONE;
        } else {
            before = LiveTally.code(s);
        }

        Sighting sighting = apply(s, e, view);
        if (sighting == Sighting.DUPLICATE) {
            metrics.duplicate(view);
            state.update(s);
            return;
        }
        if (sighting == Sighting.FIRST && s.has(TxnState.STUCK)) {
            if (s.phase() != TxnState.Phase.OPEN) {
                s.clear(TxnState.STUCK); // a late close: the episode ends in an outcome, not a recovery
            } else if (plus(e.ts, settings.stuckTimeoutFor(s.txnType)) > now) {
                s.clear(TxnState.STUCK | TxnState.SILENCE_ALERTED);
                metrics.recovered(s.txnType);
            }
            // else: an event from before the silence began, arriving late: no sign of life now.
        }
        boolean gone = evaluate(s, now, now, ctx, out);
        tally.move(before, gone ? LiveTally.GONE : LiveTally.code(s));
    }

    /** Whether an event is new, new to this view only, or a repeat within its view. */
    private enum Sighting {
        FIRST,
        COPY,
        DUPLICATE
    }

    private Sighting apply(TxnState s, ViewEvent e, View view) {
        switch (e.eventType) {
            case TRANSACTION_OPEN:
                return applyOpen(s, e, view);
            case TRANSACTION_CLOSE:
                return applyClose(s, e, view);
            default:
                return applyStep(s, e, view);
        }
    }

    private Sighting applyOpen(TxnState s, ViewEvent e, View view) {
        int bit = TxnState.txnBit(EventType.TRANSACTION_OPEN, view);
        if (s.has(bit)) {
            return Sighting.DUPLICATE;
        }
        boolean first = !s.openSeen();
        s.set(bit);
        if (!first) {
            return Sighting.COPY;
        }
        progress(s, e);
        s.startTs = e.ts;
        metrics.opened(s.txnType);
        if (s.has(TxnState.CLOSE_MONITOR) && !s.has(TxnState.COMMITTED_FIRST)) {
            metrics.tentativeDuration(s.txnType, nonNegative(s.closeTs - s.startTs));
        }
        return Sighting.FIRST;
    }

    private Sighting applyClose(TxnState s, ViewEvent e, View view) {
        int bit = TxnState.txnBit(EventType.TRANSACTION_CLOSE, view);
        if (s.has(bit)) {
            if (view == View.MONITOR && !s.has(TxnState.CLOSE_COMMITTED)) {
                // A resent close (a retry in a new Kafka transaction): the abort evidence must now
                // pass this copy too, or a committed retry could be judged aborted.
                rememberClosePosition(s, e);
            }
            return Sighting.DUPLICATE;
        }
        boolean first = !s.has(TxnState.CLOSE_MONITOR | TxnState.CLOSE_COMMITTED);
        s.set(bit);
        if (view == View.MONITOR) {
            rememberClosePosition(s, e);
            s.closeSeenAtMs = e.seenAtMs;
        } else {
            s.committedSeenAtMs = e.seenAtMs;
        }
        if (!first) {
            return Sighting.COPY;
        }
        progress(s, e);
        s.closeTs = e.ts;
        if (e.status == CloseStatus.FAILED) {
            s.set(TxnState.FAILED);
        }
        if (view == View.MONITOR) {
            metrics.tentativelyClosed(s.txnType);
            if (s.openSeen()) {
                metrics.tentativeDuration(s.txnType, nonNegative(s.closeTs - s.startTs));
            }
        } else {
            s.set(TxnState.COMMITTED_FIRST);
        }
        return Sighting.FIRST;
    }

    private void rememberClosePosition(TxnState s, ViewEvent e) {
        s.closeTopic = names.share(e.topic);
        s.closePartition = e.partition;
        s.closeOffset = e.offset;
    }

    private Sighting applyStep(TxnState s, ViewEvent e, View view) {
        String name = e.step == null ? "" : e.step;
        int bit = TxnState.stepBit(e.eventType, view);
        int eitherView = TxnState.stepBit(e.eventType, View.MONITOR) | TxnState.stepBit(e.eventType, View.COMMITTED);
        int i = s.stepIndex(name);
        if (i >= 0 && s.stepHas(i, bit)) {
            return Sighting.DUPLICATE;
        }
        if (i >= 0 && s.stepHas(i, eitherView)) {
            s.stepSet(i, bit);
            return Sighting.COPY;
        }
        progress(s, e);
        if (i < 0) {
            i = s.addStep(names.share(name));
            if (i < 0) {
                return Sighting.FIRST; // past MAX_STEPS: still progress, no longer itemized
            }
            s.stepTs[i] = e.ts;
        }
        int openBits = TxnState.STEP_OPEN_MONITOR | TxnState.STEP_OPEN_COMMITTED;
        int doneBits = TxnState.STEP_DONE_MONITOR | TxnState.STEP_DONE_COMMITTED;
        if (e.eventType == EventType.STEP_OPEN) {
            long anchor = s.gapAnchorBefore(e.ts, i);
            if (anchor != Long.MIN_VALUE) {
                metrics.interStepGap(s.txnType, e.ts - anchor);
            }
            if (s.stepHas(i, doneBits)) {
                metrics.stepDuration(s.txnType, name, nonNegative(s.stepTs[i] - e.ts));
            } else {
                s.stepTs[i] = e.ts;
            }
        } else {
            if (s.stepHas(i, openBits)) {
                metrics.stepDuration(s.txnType, name, nonNegative(e.ts - s.stepTs[i]));
            }
            s.stepTs[i] = e.ts;
        }
        s.stepSet(i, bit);
        return Sighting.FIRST;
    }

    /** What every new event tells, whatever its kind. */
    private void progress(TxnState s, ViewEvent e) {
        if (s.txnType == null && e.txnType != null) {
            s.txnType = names.share(e.txnType);
        }
        boolean close = e.eventType == EventType.TRANSACTION_CLOSE;
        if (!close && !s.has(TxnState.ALIVE)) {
            // The first sign of life replaces whatever a close that came first left here.
            s.lastEventTs = e.ts;
            s.set(TxnState.ALIVE);
        } else if ((!close || !s.has(TxnState.ALIVE)) && e.ts > s.lastEventTs) {
            s.lastEventTs = e.ts;
        }
        if (!s.openSeen() && e.ts < s.startTs) {
            s.startTs = e.ts;
        }
    }

    /**
     * Takes every decision that is due at monitor time {@code now} (the deadline of a firing timer,
     * or the watermark when an event arrives), then schedules the next one. Returns true when the
     * transaction reached a final state and left no state behind.
     */
    private boolean evaluate(TxnState s, long now, long watermark, Context ctx, Collector<Outcome> out)
            throws IOException {
        TxnState.Phase phase = s.phase();
        long stuckTimeout = settings.stuckTimeoutFor(s.txnType);
        long stuckAt = plus(s.lastEventTs, stuckTimeout);
        // Closed, but only after a silence longer than the stuck timeout (a late close): the
        // transaction was stuck before it closed, and the alert is owed even if the close reached
        // the tracker before the clock reached the deadline.
        boolean silentBeforeClose = phase != TxnState.Phase.OPEN && s.has(TxnState.ALIVE)
                && !s.has(TxnState.SILENCE_ALERTED) && stuckAt < s.closeTs;
        if (now >= stuckAt && (phase == TxnState.Phase.OPEN ? !s.has(TxnState.STUCK) : silentBeforeClose)) {
            // Decided before any final state below: a clock that jumps past both the stuck
            // deadline and the close (a catch-up) must still raise the alert, then close.
            raiseStuck(s, phase == TxnState.Phase.OPEN ? now : stuckAt, stuckTimeout, ctx);
            silentBeforeClose = false;
            if (phase == TxnState.Phase.OPEN) {
                s.set(TxnState.STUCK);
            }
        }
        if (phase == TxnState.Phase.CLOSING && now >= s.closeTs) {
            finishClosed(s, now, ctx, out);
            return true;
        }
        if (phase == TxnState.Phase.TENTATIVELY_CLOSED
                && now >= plus(s.closeTs, settings.abortGraceMs())
                && committedView.hasPassed(s.closeTopic, s.closePartition, s.closeOffset)) {
            finish(s, outcome(s, ctx, Outcome.State.ABORTED, null, null, false, now), ctx, out);
            metrics.aborted(s.txnType);
            return true;
        }
        long lastSeen = phase == TxnState.Phase.OPEN ? s.lastEventTs : Math.max(s.lastEventTs, s.closeTs);
        long expiresAt = plus(lastSeen, settings.retentionMs());
        if (now >= expiresAt) {
            finish(s, outcome(s, ctx, Outcome.State.EXPIRED, null, null, false, now), ctx, out);
            metrics.expired(s.txnType);
            return true;
        }

        long next = expiresAt;
        if (silentBeforeClose) {
            next = Math.min(next, stuckAt);
        }
        if (phase == TxnState.Phase.CLOSING) {
            next = Math.min(next, s.closeTs);
        } else if (phase == TxnState.Phase.TENTATIVELY_CLOSED) {
            // Evidence only changes as committed records arrive: no point re-checking below the
            // watermark, however far behind the deadline that fired was.
            next = Math.min(next, nextAbortCheck(s, Math.max(now, watermark)));
        } else if (!s.has(TxnState.STUCK)) {
            next = Math.min(next, stuckAt);
        }
        // Timers only ever move earlier. A deadline that moved later (the usual case: every event
        // pushes the stuck deadline) keeps the earlier timer, which wakes up, finds nothing due and
        // re-arms. That saves a delete and an insert in the timer queue per event, and the timer
        // keeps referencing the same key object as the state entry (one txn_id string, not two).
        if (s.timerTs == TxnState.NO_TIMER || next < s.timerTs) {
            if (s.timerTs != TxnState.NO_TIMER) {
                ctx.timerService().deleteEventTimeTimer(s.timerTs);
            }
            ctx.timerService().registerEventTimeTimer(next);
            s.timerTs = next;
        }
        state.update(s);
        return false;
    }

    /** Raises the stuck alert of one silence, as of monitor time {@code at}. */
    private void raiseStuck(TxnState s, long at, long stuckTimeout, Context ctx) {
        s.set(TxnState.WAS_STUCK | TxnState.SILENCE_ALERTED);
        ctx.output(ALERTS, new Alert(
                Alert.STUCK,
                ctx.getCurrentKey(),
                s.txnType,
                s.openSeen() ? s.startTs : null,
                s.lastEventTs,
                nonNegative(at - s.startTs),
                nonNegative(at - s.lastEventTs),
                s.lastStep(),
                stuckTimeout,
                at));
        metrics.stuck(s.txnType);
    }

    /** The first abort check is at close + grace; later ones on a grid of abortRecheckMs after it. */
    private long nextAbortCheck(TxnState s, long now) {
        long first = plus(s.closeTs, settings.abortGraceMs());
        if (now < first) {
            return first;
        }
        long every = Math.max(1, settings.abortRecheckMs());
        return plus(first, ((now - first) / every + 1) * every);
    }

    private void finishClosed(TxnState s, long now, Context ctx, Collector<Outcome> out) {
        CloseStatus status = s.status();
        Long duration = duration(s);
        long latency = s.has(TxnState.COMMITTED_FIRST) || !s.has(TxnState.CLOSE_MONITOR)
                ? 0
                : nonNegative(s.committedSeenAtMs - s.closeSeenAtMs);
        boolean outlier = duration != null && outliers.judge(s.txnType, duration);
        finish(s, outcome(s, ctx, Outcome.State.CLOSED, status, latency, outlier, now), ctx, out);
        recentlyClosed.add(ctx.getCurrentKey());
        metrics.closed(s.txnType, status);
        if (duration != null) {
            metrics.committedDuration(s.txnType, duration);
        }
        metrics.commitLatency(s.txnType, latency);
        if (outlier) {
            metrics.outlier(s.txnType);
        }
    }

    private Outcome outcome(
            TxnState s, Context ctx, Outcome.State st, CloseStatus result, Long latency, boolean outlier, long now) {
        boolean closeSeen = s.has(TxnState.CLOSE_MONITOR | TxnState.CLOSE_COMMITTED);
        return new Outcome(
                ctx.getCurrentKey(),
                s.txnType,
                st,
                result,
                s.openSeen() ? s.startTs : null,
                closeSeen ? s.closeTs : null,
                duration(s),
                latency,
                outlier,
                s.lastStep(),
                s.stepCount(),
                s.has(TxnState.WAS_STUCK),
                now);
    }

    private void finish(TxnState s, Outcome outcome, Context ctx, Collector<Outcome> out) {
        out.collect(outcome);
        if (s.timerTs != TxnState.NO_TIMER) {
            ctx.timerService().deleteEventTimeTimer(s.timerTs);
            s.timerTs = TxnState.NO_TIMER;
        }
        state.clear();
    }

    private static Long duration(TxnState s) {
        boolean closeSeen = s.has(TxnState.CLOSE_MONITOR | TxnState.CLOSE_COMMITTED);
        return s.openSeen() && closeSeen ? nonNegative(s.closeTs - s.startTs) : null;
    }

    private static long nonNegative(long ms) {
        return Math.max(0, ms);
    }

    /** Saturating addition: deadlines near the end of time must not wrap around into the past. */
    private static long plus(long a, long b) {
        long r = a + b;
        if (((a ^ r) & (b ^ r)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return r;
    }

    // --- for MonitorClockedOperator ---

    ValueStateDescriptor<TxnState> stateDescriptor() {
        return descriptor;
    }

    /** Re-counts a transaction restored from a checkpoint (the live counts are not checkpointed). */
    void recount(TxnState s) {
        if (s != null) {
            tally.move(LiveTally.GONE, LiveTally.code(s));
        }
    }

    /** The monitor clock moved. */
    void clockAt(long watermark) {
        tally.clockAt(watermark);
    }

    /** The live counts of this subtask; for tests. */
    LiveCounts liveCounts() {
        return tally;
    }
}
