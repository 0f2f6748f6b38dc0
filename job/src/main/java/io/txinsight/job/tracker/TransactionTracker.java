package io.txinsight.job.tracker;

import io.txinsight.events.Alert;
import io.txinsight.events.Outcome;
import io.txinsight.job.records.View;
import io.txinsight.job.records.ViewEvent;
import io.txinsight.job.tracker.lifecycle.Decision;
import io.txinsight.job.tracker.lifecycle.Decisions;
import io.txinsight.job.tracker.lifecycle.Evidence;
import io.txinsight.job.tracker.lifecycle.NamePool;
import io.txinsight.job.tracker.lifecycle.Timings;
import io.txinsight.job.tracker.lifecycle.TxnLifecycle;
import io.txinsight.job.tracker.lifecycle.TxnState;
import java.util.List;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.functions.OpenContext;
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
 * <p>The rules are the {@link TxnLifecycle}'s (its javadoc draws the state machine); this function
 * is its adapter to Flink: one {@link TxnState} per key in keyed state, one event-time timer per
 * key for the lifecycle's wake-ups, and {@link TrackerOutputs} for outcomes, alerts and metrics.
 * Every final decision clears the key's state and deletes its timer.
 *
 * <p><b>Two clocks.</b> The timers run on the <b>monitor view's watermark only</b> (see {@link
 * MonitorClockedOperator}): stuck detection matters most when the upstream is in trouble, and the
 * committed view is exactly what stalls then (a hanging Kafka transaction pins it). The committed
 * view's progress enters as data, the highest committed offset per partition ({@link
 * CommittedView}), which is what the Aborted verdict needs as evidence. So a stalled committed view
 * delays Aborted verdicts (and the lag gauge shows it) but never stuck alerts.
 *
 * <p>Per subtask, not per key: the committed view's progress, the outlier medians and the ids of
 * recently closed transactions (the last two travel in checkpoints, see {@link TrackerMemory}).
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

    /** Business transactions found held back by a Kafka transaction, and released again. */
    public static final OutputTag<HeldBack> HELD_BACK = new OutputTag<>("held-back", TypeInformation.of(HeldBack.class));

    private final TrackerSettings settings;
    private final TrackerMetrics.Factory metricsFactory;
    /** Where the rollback probe asks Kafka; null for none (the committed view's evidence only). */
    private final RollbackProbe.Settings probeSettings;

    private transient ValueStateDescriptor<TxnState> descriptor;
    private transient ValueState<TxnState> state;
    private transient TxnLifecycle lifecycle;
    private transient TrackerOutputs outputs;
    private transient CommittedView committedView;
    private transient RollbackProbe probe;
    /** The key being decided: the rollback probe tells its records from the others' by it. */
    private transient String currentTxnId;
    private transient LiveTally tally;
    private transient OutlierDetector outliers;
    private transient RecentlyClosed recentlyClosed;
    /** One {@link TrackerMemory} entry per subtask: outlier medians and recently closed ids. */
    private transient ListState<byte[]> memory;

    public TransactionTracker(TrackerSettings settings, TrackerMetrics.Factory metricsFactory) {
        this(settings, metricsFactory, null);
    }

    public TransactionTracker(TrackerSettings settings, TrackerMetrics.Factory metricsFactory,
            RollbackProbe.Settings probeSettings) {
        this.settings = settings;
        this.metricsFactory = metricsFactory;
        this.probeSettings = probeSettings;
    }

    /**
     * Keys both views by {@code txn_id}, connects them and applies the tracker on the monitor
     * view's clock. Alerts: {@code result.getSideOutput(TransactionTracker.ALERTS)}.
     */
    public static SingleOutputStreamOperator<Outcome> track(
            DataStream<ViewEvent> monitor,
            DataStream<ViewEvent> committed,
            TrackerSettings settings,
            TrackerMetrics.Factory metrics,
            RollbackProbe.Settings probe) {
        return monitor.keyBy(new ByTxnId())
                .connect(committed.keyBy(new ByTxnId()))
                .transform(
                        NAME,
                        TypeInformation.of(Outcome.class),
                        new MonitorClockedOperator(new TransactionTracker(settings, metrics, probe)))
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
        Timings timings = new Timings(settings::stuckTimeoutFor,
                settings.abortGraceMs(), settings.abortRecheckMs(), settings.retentionMs());
        Evidence evidence = committedView;
        if (probeSettings != null) {
            TaskInfo task = getRuntimeContext().getTaskInfo();
            probe = new RollbackProbe(probeSettings, "txinsight-rollback-probe-" + task.getIndexOfThisSubtask());
            // The committed view's own evidence first; Kafka only while that of the partition
            // stands still (see ProbedEvidence).
            evidence = new ProbedEvidence(committedView, probe, () -> currentTxnId, System::currentTimeMillis,
                    probeSettings.roundEveryMs());
        }
        lifecycle = new TxnLifecycle(timings, evidence, new NamePool(NamePool.DEFAULT_CAPACITY));
        TrackerMetrics metrics = metricsFactory.create(getRuntimeContext().getMetricGroup(), tally);
        outputs = new TrackerOutputs(metrics, outliers, recentlyClosed);
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
        recentlyClosed = new RecentlyClosed(settings.duplicateHorizonMs());
        if (context.isRestored()) {
            TaskInfo task = getRuntimeContext().getTaskInfo();
            TrackerMemory.restore(memory.get(), task.getIndexOfThisSubtask(), task.getNumberOfParallelSubtasks(),
                    task.getMaxNumberOfParallelSubtasks(), outliers, recentlyClosed);
        }
    }

    @Override
    public void close() throws Exception {
        if (probe != null) {
            probe.close();
        }
        super.close();
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

    private void onEvent(ViewEvent e, View view, Context ctx, Collector<Outcome> out) throws Exception {
        long clock = ctx.timerService().currentWatermark();
        if (view == View.MONITOR) {
            committedView.monitor(e.ts);
        } else {
            committedView.committed(e.topic, e.partition, e.offset, e.ts, e.seenAtMs);
        }
        currentTxnId = e.txnId;
        TxnState held = state.value();
        long before = held == null ? LiveTally.GONE : LiveTally.code(held);
        // Only a key with no life held, or a reborn one, can meet a copy of a closed life.
        long previousClose = held == null || held.reborn()
                ? recentlyClosed.closedAt(e.txnId) : TxnLifecycle.NO_PREVIOUS_LIFE;
        carryOut(lifecycle.onEvent(held, e, view, clock, previousClose), before, ctx, out);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Outcome> out) throws Exception {
        TxnState held = state.value();
        if (held != null) {
            currentTxnId = ctx.getCurrentKey();
            long before = LiveTally.code(held);
            carryOut(lifecycle.onDeadline(held, timestamp, ctx.timerService().currentWatermark()), before, ctx, out);
        }
    }

    /** Timers and keyed state here; everything that leaves the tracker in {@link TrackerOutputs}. */
    private void carryOut(Decisions decisions, long before, Context ctx, Collector<Outcome> out) throws Exception {
        TxnState txn = decisions.txn();
        for (Decision d : decisions) {
            if (d instanceof Decision.WakeAt wake) {
                if (wake.replaces() != Decision.WakeAt.NONE) {
                    ctx.timerService().deleteEventTimeTimer(wake.replaces());
                }
                ctx.timerService().registerEventTimeTimer(wake.at());
            } else if (d instanceof Decision.CancelWake cancel) {
                ctx.timerService().deleteEventTimeTimer(cancel.at());
            } else {
                outputs.report(d, txn, ctx.getCurrentKey(), ctx, out);
            }
        }
        if (txn == null) {
            return; // a copy of a life closed recently: nothing was or is held
        }
        if (decisions.ended()) {
            state.clear();
            tally.move(before, LiveTally.GONE);
        } else {
            state.update(txn);
            tally.move(before, LiveTally.code(txn));
        }
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
        recentlyClosed.forgetBefore(watermark);
    }

    /** The live counts of this subtask; for tests. */
    LiveCounts liveCounts() {
        return tally;
    }
}
