package io.txinsight.job.sources;

import io.txinsight.events.DeadLetter;
import io.txinsight.job.metrics.ReadMetrics;
import io.txinsight.job.records.DecodedRecord;
import io.txinsight.job.records.View;
import io.txinsight.job.records.ViewEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Right after a view's source: events go on to the tracker, dead letters to {@link #DEAD_LETTERS},
 * and both are counted. Nothing read is dropped silently.
 *
 * <p>Both views read the same topics, so a bad record is rejected twice. Only the monitor view
 * (which sees every record, aborted ones included) writes it to the dead-letter topic; the
 * committed view only counts it, so each bad record is dead-lettered exactly once.
 */
public class ViewRouter extends ProcessFunction<DecodedRecord, ViewEvent> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private final View view;
    /** The view's Kafka client id prefix: whose consumer the input gauges watch; null if not Kafka. */
    private final String clientIdPrefix;
    private transient ReadMetrics metrics;

    public ViewRouter(View view) {
        this(view, null);
    }

    public ViewRouter(View view, String clientIdPrefix) {
        this.view = view;
        this.clientIdPrefix = clientIdPrefix;
    }

    @Override
    public void open(OpenContext openContext) {
        metrics = new ReadMetrics(getRuntimeContext().getMetricGroup(), view);
        if (clientIdPrefix != null) {
            // Chained to the source, so the same subtask index names the same consumer.
            int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
            metrics.input(FetchHealth.watch(FetchHealth.clientId(clientIdPrefix, subtask), WallClock.SYSTEM));
        }
    }

    @Override
    public void processElement(DecodedRecord record, Context ctx, Collector<ViewEvent> out) {
        if (record.isEvent()) {
            metrics.event(record.event.eventType);
            metrics.attributeProblems(record.event.attributeProblems);
            out.collect(record.event);
            return;
        }
        metrics.malformed(record.deadLetter.reason());
        if (view == View.MONITOR) {
            ctx.output(DEAD_LETTERS, record.deadLetter);
            metrics.deadLettered();
        }
    }
}
