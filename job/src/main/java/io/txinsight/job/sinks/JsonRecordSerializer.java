package io.txinsight.job.sinks;

import io.txinsight.events.RecordJson;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes one of our records (outcome, alert, dead letter) as JSON ({@link RecordJson}) to a fixed
 * topic. The key is the txn_id, so every record about one transaction lands in one partition, in
 * order, and a compacted topic keeps the latest.
 *
 * <p>The Kafka timestamp is left to the producer (the time the job wrote the record), never the
 * element's event time. Event time can be arbitrarily old: a catch-up from last month, a scenario
 * replayed without {@code --rebase-time}. Kafka's time-based retention judges a segment by its
 * records' timestamps, so outputs stamped with an old event time land in a segment that is already
 * past {@code retention.ms} and vanish at the broker's next retention check, committed or not.
 * The event times an outcome is about travel in its fields ({@code opened_at}, {@code closed_at}).
 */
public class JsonRecordSerializer<T> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    /** The record key as text, or null for none. */
    @FunctionalInterface
    public interface KeyOf<T> extends Serializable {
        String keyOf(T record);
    }

    private final String topic;
    private final KeyOf<T> key;

    public JsonRecordSerializer(String topic, KeyOf<T> key) {
        this.topic = topic;
        this.key = key;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T record, KafkaSinkContext context, Long eventTimestamp) {
        String k = key.keyOf(record);
        return new ProducerRecord<>(
                topic, null, null, k == null ? null : k.getBytes(StandardCharsets.UTF_8), RecordJson.toBytes(record));
    }

    public String topic() {
        return topic;
    }
}
