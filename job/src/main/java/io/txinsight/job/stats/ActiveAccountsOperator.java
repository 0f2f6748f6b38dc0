package io.txinsight.job.stats;

import static io.txinsight.job.metrics.MetricNames.ACTIVE_ACCOUNTS;
import static io.txinsight.job.metrics.MetricNames.GROUP;
import static io.txinsight.job.metrics.MetricNames.WINDOW;

import io.txinsight.events.EventType;
import io.txinsight.job.records.ViewEvent;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Active accounts: distinct accounts that opened a transaction in the last 1, 5 and 15 minutes of
 * event time, as three gauges ({@code txinsights_active_accounts{window="1m"|"5m"|"15m"}}),
 * estimated with {@link MinuteSketches}. Fed the monitor view's opens; emits nothing.
 *
 * <p><b>One subtask.</b> Distinct counts do not add up across subtasks (an account seen by two is
 * one account), so parallel subtasks would need a second, merging stage. One subtask suffices:
 * per open it hashes one account id into one sketch (well under a microsecond), a small share of
 * what the tracker spends on the same open, and only opens reach it.
 *
 * <p><b>Clock.</b> The operator's watermark, which is the monitor view's (idle partitions advance
 * it with the wall clock, docs/design.md §3), so windows are event-time windows and a replay at
 * 10x gives the same counts. Before the first watermark the latest open's time stands in.
 *
 * <p><b>State.</b> The minute sketches travel in checkpoints as operator state (one entry a
 * minute, the compact serialized sketch), at most 31 entries of 4 KB.
 *
 * <p><b>Gauges.</b> The reporter reads gauges from its own thread while sketches are not
 * thread-safe, so the estimates are computed on the task thread, when opens were counted since
 * the last time and a watermark comes (Flink emits them a few times a second) or {@link
 * #REFRESH_MS} of processing time passed, and whenever the clock enters a new minute; the gauges
 * read the last values.
 */
public final class ActiveAccountsOperator extends AbstractStreamOperator<Void>
        implements OneInputStreamOperator<ViewEvent, Void> {
    private static final long serialVersionUID = 1L;

    public static final String UID = "active-accounts";
    public static final String NAME = "Active accounts (1m, 5m, 15m)";

    /** The windows, in minutes, and their label values. */
    public static final int[] WINDOW_MINUTES = {1, 5, 15};
    public static final String[] WINDOW_LABELS = {"1m", "5m", "15m"};
    /** How stale a gauge may be, in ms of processing time. */
    public static final long REFRESH_MS = 1_000;

    private transient MinuteSketches sketches;
    private transient ListState<byte[]> checkpointed;
    private transient long clockMs;
    private transient long latestOpenMs;
    private transient long refreshedAtMs;
    private transient long refreshedMinute;
    private transient boolean changed;
    private transient long[] estimates;

    /**
     * Counts the active accounts of {@code monitor}'s opens in one subtask. The filter runs with
     * the view's parallelism (chained to it), so only opens travel to the one subtask.
     */
    public static void count(DataStream<ViewEvent> monitor) {
        monitor.filter(ActiveAccountsOperator::counts)
                .name("Opens with an account")
                .transform(NAME, Types.VOID, new ActiveAccountsOperator())
                .uid(UID)
                .name(NAME)
                .setParallelism(1)
                .setMaxParallelism(1);
    }

    /** Whether the active-accounts count reads {@code e}: an open with an account. */
    public static boolean counts(ViewEvent e) {
        return e.eventType == EventType.TRANSACTION_OPEN && e.account != null;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        sketches = new MinuteSketches();
        checkpointed = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("active-accounts-minutes", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        if (context.isRestored()) {
            sketches.restore(checkpointed.get());
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        requireForeignMemoryModule();
        clockMs = Long.MIN_VALUE;
        latestOpenMs = Long.MIN_VALUE;
        refreshedMinute = Long.MIN_VALUE;
        estimates = new long[WINDOW_MINUTES.length];
        registerGauges(getMetricGroup(), estimates);
        changed = sketches.minutes() > 0;
    }

    /** One gauge per window under {@code operatorGroup}, showing {@code estimates[window]}. */
    public static void registerGauges(MetricGroup operatorGroup, long[] estimates) {
        MetricGroup group = operatorGroup.addGroup(GROUP);
        for (int i = 0; i < WINDOW_MINUTES.length; i++) {
            int w = i;
            group.addGroup(WINDOW, WINDOW_LABELS[i]).gauge(ACTIVE_ACCOUNTS, (Gauge<Long>) () -> estimates[w]);
        }
    }

    @Override
    public void processElement(StreamRecord<ViewEvent> record) {
        ViewEvent e = record.getValue();
        if (!counts(e)) {
            return;
        }
        latestOpenMs = Math.max(latestOpenMs, e.ts);
        changed |= sketches.add(e.ts, e.account, clockMs);
        refreshIfDue(false);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (mark.getTimestamp() != Long.MAX_VALUE && mark.getTimestamp() > clockMs) {
            clockMs = mark.getTimestamp();
            sketches.advanceTo(clockMs);
        }
        refreshIfDue(true);
        super.processWatermark(mark);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        checkpointed.update(sketches.encode());
    }

    /**
     * Recomputes the estimates if the clock entered a new minute, or if opens were counted since
     * and either a watermark came ({@code onWatermark}: a few times a second at most) or {@link
     * #REFRESH_MS} passed.
     */
    private void refreshIfDue(boolean onWatermark) {
        long now = now();
        if (now == Long.MIN_VALUE) {
            return;
        }
        long minute = Math.floorDiv(now, MinuteSketches.MINUTE_MS);
        long wall = getProcessingTimeService().getCurrentProcessingTime();
        if (minute != refreshedMinute || (changed && (onWatermark || wall - refreshedAtMs >= REFRESH_MS))) {
            refresh(now);
            refreshedMinute = minute;
            refreshedAtMs = wall;
        }
    }

    /** Recomputes the estimates as of event time {@code now}. */
    private void refresh(long now) {
        for (int i = 0; i < WINDOW_MINUTES.length; i++) {
            estimates[i] = sketches.estimate(now, WINDOW_MINUTES[i]);
        }
        changed = false;
    }

    /** The clock: the watermark, or before the first one the latest open seen. */
    private long now() {
        return clockMs != Long.MIN_VALUE ? clockMs : latestOpenMs;
    }

    /** The sketches; for tests. */
    MinuteSketches sketches() {
        return sketches;
    }

    /** The estimates as the gauges show them, by window; for tests. */
    List<Long> estimates() {
        return List.of(estimates[0], estimates[1], estimates[2]);
    }

    /**
     * DataSketches 7 serializes sketches through Java 17's incubating foreign-memory API, which a
     * JVM only has when started with {@code --add-modules=jdk.incubator.foreign}. Without it the
     * first checkpoint would fail; better to say so at the start, plainly.
     */
    private static void requireForeignMemoryModule() {
        if (ModuleLayer.boot().findModule("jdk.incubator.foreign").isEmpty()) {
            throw new IllegalStateException("the active-accounts sketches need the JVM option "
                    + "--add-modules=jdk.incubator.foreign (flink-conf/config.yaml env.java.opts.all has it)");
        }
    }
}
