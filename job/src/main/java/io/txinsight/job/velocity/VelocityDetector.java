package io.txinsight.job.velocity;

import io.txinsight.events.EventType;
import io.txinsight.events.VelocityAlert;
import io.txinsight.job.records.View;
import io.txinsight.job.records.ViewEvent;
import io.txinsight.job.velocity.rule.AccountOpens;
import io.txinsight.job.velocity.rule.VelocityRule;
import io.txinsight.job.velocity.rule.VelocitySettings;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Velocity per account (docs/design.md §8): the {@link VelocityRule}'s adapter to Flink. Keyed by
 * account, on the monitor view's opens and its clock; one {@link AccountOpens} per account in
 * keyed state (as bytes), one event-time timer per account at the rule's next wake-up, and one
 * {@link VelocityAlert} per burst. An account the rule has let go leaves no state and no timer.
 *
 * <p>Why the monitor view: it sees every attempt as soon as it is written, the ones a Kafka abort
 * later rolls back included (a card being tested shows in its attempts), and it carries the
 * watermark; the committed view has no clock of its own and stalls behind a hanging Kafka
 * transaction. Opens without an account (counted by the monitor view's attribute metrics) have
 * nothing to be keyed by and are not judged.
 */
public class VelocityDetector extends KeyedProcessFunction<String, ViewEvent, VelocityAlert> {
    private static final long serialVersionUID = 1L;

    public static final String FILTER_UID = "velocity-opens";
    public static final String UID = "velocity-detector";
    public static final String NAME = "VelocityDetector";

    private final VelocitySettings settings;

    private transient ValueState<byte[]> state;
    private transient VelocityRule rule;
    private transient VelocityMetrics metrics;

    public VelocityDetector(VelocitySettings settings) {
        this.settings = settings;
    }

    /** The monitor view's opens that name an account, keyed by it, through the detector. */
    public static SingleOutputStreamOperator<VelocityAlert> detect(DataStream<ViewEvent> monitor, VelocitySettings settings) {
        return monitor.filter(new OpensWithAccount())
                .uid(FILTER_UID)
                .name("Opens with an account")
                .keyBy(new ByAccount())
                .process(new VelocityDetector(settings), TypeInformation.of(VelocityAlert.class))
                .uid(UID)
                .name(NAME);
    }

    /** Monitor-view transaction_opens that carry an account. */
    public static final class OpensWithAccount implements FilterFunction<ViewEvent> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean filter(ViewEvent e) {
            return e.view == View.MONITOR && e.eventType == EventType.TRANSACTION_OPEN && e.account != null;
        }
    }

    /** The key: the open's account. */
    public static final class ByAccount implements KeySelector<ViewEvent, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(ViewEvent e) {
            return e.account;
        }
    }

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(
                new ValueStateDescriptor<>("account-opens", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        rule = new VelocityRule(settings);
        metrics = new VelocityMetrics(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(ViewEvent e, Context ctx, Collector<VelocityAlert> out) throws Exception {
        AccountOpens held = held();
        VelocityRule.Step step = rule.onOpen(ctx.getCurrentKey(),
                held, new AccountOpens.Open(e.ts, e.txnId, e.txnType, e.amount), ctx.timerService().currentWatermark());
        if (step.duplicate()) {
            metrics.duplicate();
            return;
        }
        metrics.open(step.late());
        carryOut(step, held, ctx, out);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<VelocityAlert> out) throws Exception {
        AccountOpens held = held();
        held.timerTs = AccountOpens.NO_TIMER; // it fired: Flink has dropped it
        carryOut(rule.onClock(ctx.getCurrentKey(), held, timestamp), held, ctx, out);
    }

    private AccountOpens held() throws Exception {
        byte[] bytes = state.value();
        return bytes == null ? new AccountOpens() : AccountOpens.decode(bytes);
    }

    /** Timers and keyed state here; the alerts out. */
    private void carryOut(VelocityRule.Step step, AccountOpens held, Context ctx, Collector<VelocityAlert> out)
            throws Exception {
        if (step.cancelTimer() != AccountOpens.NO_TIMER) {
            ctx.timerService().deleteEventTimeTimer(step.cancelTimer());
        }
        if (step.registerTimer() != AccountOpens.NO_TIMER) {
            ctx.timerService().registerEventTimeTimer(step.registerTimer());
        }
        for (VelocityAlert alert : step.alerts()) {
            metrics.burst();
            out.collect(alert);
        }
        if (held.isEmpty()) {
            state.clear();
        } else {
            state.update(held.encode());
        }
    }
}
