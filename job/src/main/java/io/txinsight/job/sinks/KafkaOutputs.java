package io.txinsight.job.sinks;

import io.txinsight.events.Alert;
import io.txinsight.events.DeadLetter;
import io.txinsight.events.KafkaTransactionHanging;
import io.txinsight.events.Outcome;
import io.txinsight.events.VelocityAlert;
import java.util.Map;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The job's three output topics as {@link KafkaSink}s.
 *
 * <p>With checkpointing on they are exactly-once: records are written in Kafka transactions that
 * commit with each checkpoint, so a {@code read_committed} reader of the outcomes topic sees every
 * outcome once even across restarts (and only after the checkpoint that covers it). Without
 * checkpoints they are at-least-once.
 *
 * @param bootstrapServers the cluster
 * @param clientProperties extra producer properties (security settings, …)
 * @param exactlyOnce transactional writes; needs checkpointing
 * @param transactionalIdPrefix unique per job on a cluster; each sink appends its own suffix
 */
public record KafkaOutputs(
        String bootstrapServers, Map<String, String> clientProperties, boolean exactlyOnce, String transactionalIdPrefix) {

    /**
     * Default for {@code transaction.timeout.ms}: below the broker's default
     * {@code transaction.max.timeout.ms} (15 min), which the producer may not exceed, and well
     * above a checkpoint interval plus a restart.
     */
    public static final String DEFAULT_TRANSACTION_TIMEOUT_MS = String.valueOf(10 * 60 * 1000);

    public KafkaOutputs {
        clientProperties = clientProperties == null ? Map.of() : Map.copyOf(clientProperties);
    }

    public KafkaSink<Outcome> outcomes(String topic) {
        return sink(new JsonRecordSerializer<>(topic, Outcome::txnId), "outcomes");
    }

    public KafkaSink<Alert> alerts(String topic) {
        return sink(new JsonRecordSerializer<>(topic, Alert::txnId), "alerts");
    }

    /** Velocity alerts go to the alerts topic too, keyed by their account. */
    public KafkaSink<VelocityAlert> velocityAlerts(String topic) {
        return sink(new JsonRecordSerializer<>(topic, VelocityAlert::account), "velocity-alerts");
    }

    /** Hanging Kafka transactions go to the alerts topic too, keyed by their producer id. */
    public KafkaSink<KafkaTransactionHanging> kafkaTransactionsHanging(String topic) {
        return sink(new JsonRecordSerializer<>(topic, KafkaTransactionHanging::key), "hanging-alerts");
    }

    /** Dead letters keep the original record key, so they sit beside the events they belong to. */
    public KafkaSink<DeadLetter> deadLetters(String topic) {
        return sink(new JsonRecordSerializer<>(topic, DeadLetter::key), "dead-letters");
    }

    private <T> KafkaSink<T> sink(JsonRecordSerializer<T> serializer, String suffix) {
        KafkaSinkBuilder<T> b = KafkaSink.<T>builder()
                .setBootstrapServers(bootstrapServers)
                .setRecordSerializer(serializer);
        b.setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, DEFAULT_TRANSACTION_TIMEOUT_MS);
        clientProperties.forEach(b::setProperty);
        if (exactlyOnce) {
            b.setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                    .setTransactionalIdPrefix(transactionalIdPrefix + "-" + suffix);
        } else {
            b.setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE);
        }
        return b.build();
    }
}
