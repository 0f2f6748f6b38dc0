package io.txinsight.job.sources;

import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** Where each view starts reading when the job starts without a checkpoint or savepoint. */
public enum StartingOffsets {
    /** From the beginning of every partition. */
    EARLIEST,
    /** Only what is written after the job starts. */
    LATEST,
    /**
     * From the offsets the view's consumer group committed (on checkpoints), or from the beginning
     * of a partition the group has never read.
     */
    COMMITTED;

    @SuppressWarnings("deprecation") // the connector's API still takes OffsetResetStrategy
    public OffsetsInitializer initializer() {
        switch (this) {
            case EARLIEST:
                return OffsetsInitializer.earliest();
            case LATEST:
                return OffsetsInitializer.latest();
            default:
                return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        }
    }

    public String label() {
        return name().toLowerCase();
    }
}
