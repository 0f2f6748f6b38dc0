package io.txinsight.job.sources;

import io.txinsight.events.DeadLetter;
import io.txinsight.events.Durations;
import io.txinsight.events.DecodeResult;
import io.txinsight.events.EventCodec;
import io.txinsight.events.OpenAttributes;
import io.txinsight.events.Rejection;
import io.txinsight.job.JobConfig;
import io.txinsight.job.records.DecodedRecord;
import io.txinsight.job.records.View;
import io.txinsight.job.records.ViewEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns every Kafka record of one view into exactly one {@link DecodedRecord}: the event, or a
 * dead letter carrying the rejection and the original bytes.
 *
 * <p>It never throws. A Flink source that throws on a record fails the job, restarts it, meets
 * the same record again and fails again: one bad record would stop the whole view. Even an
 * unexpected error inside the codec becomes a dead letter ({@link DeadLetter#DECODER_ERROR}).
 *
 * <p>Event time is bounded against the wall clock: an event dated more than {@code maxClockSkewMs}
 * ahead of it is a dead letter ({@link Rejection.Reason#FUTURE_TIMESTAMP}) before anything reads its
 * time, so it moves no watermark, no clock and no gauge. One record dated 2099 would otherwise drag
 * the monitor clock of its partition 73 years ahead and fire every deadline at once. Events from
 * the past stay valid: catch-ups and replays are normal.
 */
public class ViewDeserializer implements KafkaRecordDeserializationSchema<DecodedRecord> {
    private static final long serialVersionUID = 1L;

    /** Characters of the value kept readable in {@link DeadLetter#valuePreview()}. */
    public static final int PREVIEW_CHARS = 512;

    private final View view;
    private final WallClock clock;
    private final long maxClockSkewMs;
    private transient EventCodec codec;

    public ViewDeserializer(View view) {
        this(view, WallClock.SYSTEM, JobConfig.Input.DEFAULTS.maxClockSkewMs());
    }

    public ViewDeserializer(View view, WallClock clock, long maxClockSkewMs) {
        this.view = view;
        this.clock = clock;
        this.maxClockSkewMs = maxClockSkewMs;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<DecodedRecord> out) {
        out.collect(decode(record).withKafkaTimestamp(record.timestamp()));
    }

    /** The one record this Kafka record becomes. */
    public DecodedRecord decode(ConsumerRecord<byte[], byte[]> record) {
        if (codec == null) {
            codec = new EventCodec();
        }
        try {
            // Of the attributes only the open's financial ones are built; the rest is checked only.
            DecodeResult result = codec.decodeKeeping(OpenAttributes.NAMES, record.value());
            if (result instanceof DecodeResult.Accepted accepted) {
                long now = clock.nowMs();
                long ts = accepted.event().ts();
                if (ts - now > maxClockSkewMs) {
                    return DecodedRecord.deadLetter(deadLetter(record, Rejection.Reason.FUTURE_TIMESTAMP.name(),
                            EventCodec.TS, futureMessage(ts, now)));
                }
                return DecodedRecord.event(ViewEvent.of(
                        view, accepted.event(), record.topic(), record.partition(), record.offset(), now));
            }
            Rejection r = result.rejection();
            return DecodedRecord.deadLetter(deadLetter(record, r.reason().name(), r.field(), r.message()));
        } catch (RuntimeException e) {
            return DecodedRecord.deadLetter(deadLetter(
                    record, DeadLetter.DECODER_ERROR, null, "the decoder failed on this record: " + e));
        }
    }

    private String futureMessage(long ts, long now) {
        return "field 'ts' is " + Instant.ofEpochMilli(ts) + ", " + Durations.format(ts - now)
                + " ahead of the job's clock (" + Instant.ofEpochMilli(now) + "); at most "
                + Durations.format(maxClockSkewMs) + " ahead is accepted (--max-clock-skew). Check the producer's clock.";
    }

    private DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> record, String reason, String field, String message) {
        byte[] key = record.key();
        byte[] value = record.value();
        return new DeadLetter(
                record.topic(),
                record.partition(),
                record.offset(),
                view.label(),
                reason,
                field,
                message,
                key == null ? null : new String(key, StandardCharsets.UTF_8),
                value == null ? null : Base64.getEncoder().encodeToString(value),
                value == null ? null : preview(value));
    }

    private static String preview(byte[] value) {
        // Decode only a prefix: a 1 MiB record needs no 1 MiB preview. 4 bytes per char at most.
        int len = Math.min(value.length, PREVIEW_CHARS * 4);
        String text = new String(value, 0, len, StandardCharsets.UTF_8);
        return text.length() <= PREVIEW_CHARS ? text : text.substring(0, PREVIEW_CHARS);
    }

    @Override
    public TypeInformation<DecodedRecord> getProducedType() {
        return TypeInformation.of(DecodedRecord.class);
    }
}
