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
    public ProducerRecord<byte[], byte[]> serialize(T record, KafkaSinkContext context, Long timestamp) {
        String k = key.keyOf(record);
        return new ProducerRecord<>(
                topic, null, timestamp, k == null ? null : k.getBytes(StandardCharsets.UTF_8), RecordJson.toBytes(record));
    }

    public String topic() {
        return topic;
    }
}
