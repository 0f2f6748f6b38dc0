package io.txinsight.job.collector;

/**
 * Where one input partition stands at the broker: the high watermark (what read_uncommitted can
 * read) and the last stable offset (what read_committed can read). An open Kafka transaction on
 * the partition pins the last stable offset at its first record.
 */
public record PartitionOffsets(String topic, int partition, long highWatermark, long lastStableOffset) {

    /** Records a read_committed reader cannot read yet: written, but behind an open Kafka transaction. */
    public long stableLagRecords() {
        return Math.max(0, highWatermark - lastStableOffset);
    }
}
