package io.txinsight.job.sources;

import io.txinsight.job.records.DecodedRecord;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.scope.ScopeFormat;

/** Event time and watermarks of the two views. */
public final class ViewWatermarks {

    private ViewWatermarks() {}

    /** An event's time is its {@code ts}; a dead letter keeps the Kafka record time (unused). */
    public static final SerializableTimestampAssigner<DecodedRecord> EVENT_TIME =
            (record, kafkaTimestamp) -> record.isEvent() ? record.event.ts : kafkaTimestamp;

    /**
     * The monitor view drives the tracker's clock: bounded out-of-orderness, advancing with the
     * wall clock when a partition falls silent (see {@link IdleAdvancingWatermarks}).
     */
    public static WatermarkStrategy<DecodedRecord> monitor(long outOfOrdernessMs, long idleAdvanceAfterMs) {
        return monitor(outOfOrdernessMs, idleAdvanceAfterMs, WallClock.SYSTEM, null);
    }

    /**
     * @param clientIdPrefix the monitor source's Kafka client id prefix, whose consumer tells an
     *     outage from silence ({@link FetchHealth}); null for a source that is not Kafka's
     */
    public static WatermarkStrategy<DecodedRecord> monitor(
            long outOfOrdernessMs, long idleAdvanceAfterMs, WallClock clock, String clientIdPrefix) {
        // Fail here, on the client, rather than in a task after submission.
        new IdleAdvancingWatermarks(outOfOrdernessMs, idleAdvanceAfterMs, clock);
        return WatermarkStrategy.<DecodedRecord>forGenerator(ctx -> {
                    if (clientIdPrefix == null) {
                        return new IdleAdvancingWatermarks(outOfOrdernessMs, idleAdvanceAfterMs, clock);
                    }
                    FetchHealth.Watch fetches = FetchHealth.watch(
                            FetchHealth.clientId(clientIdPrefix, subtaskIndex(ctx.getMetricGroup())), clock);
                    return new IdleAdvancingWatermarks(outOfOrdernessMs, idleAdvanceAfterMs, clock, fetches::fetchAgeMs);
                })
                .withTimestampAssigner(EVENT_TIME);
    }

    /** The subtask a source operator's metric group belongs to (its {@code <subtask_index>} scope variable). */
    static int subtaskIndex(MetricGroup group) {
        String index = group.getAllVariables().get(ScopeFormat.SCOPE_TASK_SUBTASK_INDEX);
        return index == null ? -1 : Integer.parseInt(index);
    }

    /**
     * The committed view emits no watermarks: its progress reaches the tracker as data (partition
     * and offset on every event), because a held-back committed watermark would hold back every
     * timer (docs/design.md §3).
     */
    public static WatermarkStrategy<DecodedRecord> committed() {
        return WatermarkStrategy.<DecodedRecord>noWatermarks().withTimestampAssigner(EVENT_TIME);
    }
}
