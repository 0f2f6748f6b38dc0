package io.txinsight.job.e2e;

import io.txinsight.events.BusinessEvent;
import io.txinsight.events.CloseStatus;
import io.txinsight.events.EventCodec;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Hand-written business events for tests that need exact inputs, and producers to send them. */
final class TestEvents {
    private static final EventCodec CODEC = new EventCodec();

    private TestEvents() {}

    static KafkaProducer<byte[], byte[]> producer(String bootstrapServers, String transactionalId) {
        Properties p = new Properties();
        p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.setProperty(ProducerConfig.LINGER_MS_CONFIG, "0");
        if (transactionalId != null) {
            p.setProperty(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId + "-" + UUID.randomUUID());
        }
        KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        if (transactionalId != null) {
            producer.initTransactions();
        }
        return producer;
    }

    static ProducerRecord<byte[], byte[]> record(String topic, BusinessEvent e) {
        return new ProducerRecord<>(topic, e.txnId().getBytes(StandardCharsets.UTF_8), CODEC.encode(e));
    }

    static ProducerRecord<byte[], byte[]> record(String topic, int partition, BusinessEvent e) {
        return new ProducerRecord<>(topic, partition, e.txnId().getBytes(StandardCharsets.UTF_8), CODEC.encode(e));
    }

    static ProducerRecord<byte[], byte[]> raw(String topic, String key, String value) {
        return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }

    static BusinessEvent open(String id, long ts, String type) {
        return BusinessEvent.open(id, ts, type, Map.of("amount", 10));
    }

    static BusinessEvent stepOpen(String id, long ts, String step) {
        return BusinessEvent.stepOpen(id, ts, step);
    }

    static BusinessEvent stepDone(String id, long ts, String step) {
        return BusinessEvent.stepDone(id, ts, step);
    }

    static BusinessEvent close(String id, long ts, CloseStatus status) {
        return BusinessEvent.close(id, ts, status);
    }
}
