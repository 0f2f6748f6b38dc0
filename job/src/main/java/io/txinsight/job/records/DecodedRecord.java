package io.txinsight.job.records;

import io.txinsight.events.DeadLetter;

/**
 * What a source makes of one Kafka record: a business event, or a dead letter saying why not.
 *
 * <p>A Kafka source has one output, so the two cases travel together until the first operator
 * after the source splits them (the event goes on to the tracker, the dead letter to its side
 * output). Exactly one of the fields is set. A Flink POJO, serialized without Kryo.
 */
public class DecodedRecord {
    public ViewEvent event;
    public DeadLetter deadLetter;
    /**
     * The Kafka record's timestamp (usually when the producer sent it), or -1. Against the time
     * the job read the record it tells how far behind the reader was (see IdleAdvancingWatermarks).
     */
    public long kafkaTimestamp = -1;

    public DecodedRecord() {}

    public static DecodedRecord event(ViewEvent event) {
        DecodedRecord r = new DecodedRecord();
        r.event = event;
        return r;
    }

    public static DecodedRecord deadLetter(DeadLetter deadLetter) {
        DecodedRecord r = new DecodedRecord();
        r.deadLetter = deadLetter;
        return r;
    }

    public DecodedRecord withKafkaTimestamp(long timestamp) {
        this.kafkaTimestamp = timestamp;
        return this;
    }

    public boolean isEvent() {
        return event != null;
    }

    @Override
    public String toString() {
        return isEvent()
                ? event.toString()
                : "dead letter " + deadLetter.reason() + " @" + deadLetter.topic() + "-"
                        + deadLetter.partition() + ":" + deadLetter.offset();
    }
}
