package io.txinsight.job.sources;

import io.txinsight.job.records.DecodedRecord;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

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
        return monitor(outOfOrdernessMs, idleAdvanceAfterMs, WallClock.SYSTEM);
    }

    public static WatermarkStrategy<DecodedRecord> monitor(
            long outOfOrdernessMs, long idleAdvanceAfterMs, WallClock clock) {
        // Fail here, on the client, rather than in a task after submission.
        new IdleAdvancingWatermarks(outOfOrdernessMs, idleAdvanceAfterMs, clock);
        return WatermarkStrategy.<DecodedRecord>forGenerator(
                        ctx -> new IdleAdvancingWatermarks(outOfOrdernessMs, idleAdvanceAfterMs, clock))
                .withTimestampAssigner(EVENT_TIME);
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
