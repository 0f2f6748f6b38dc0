package io.txinsight.job;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Which Kafka clients a user's Kafka property goes to. Users write one list (security settings
 * above all) for the whole job; a key only the consumer knows (or a KafkaSource option) goes to
 * the views, one only the producer knows to the writers, anything else (security settings,
 * unknown keys) to both, so a typo is not silently dropped.
 */
final class KafkaClientProperties {

    private KafkaClientProperties() {}

    /**
     * Why users may not set {@code key}: the job sets it from an option of its own or depends on
     * its value; null when they may.
     */
    static String whyReserved(String key) {
        switch (key) {
            case "bootstrap.servers":
                return "is set by --bootstrap-servers";
            case "group.id":
                return "is set by --monitor-group-id and --committed-group-id";
            case "isolation.level":
                return "cannot be changed: the monitor view reads read_uncommitted and the committed view "
                        + "read_committed; that difference is how aborts are detected";
            case "transactional.id":
                return "is derived from --transactional-id-prefix";
            case "key.deserializer":
            case "value.deserializer":
            case "key.serializer":
            case "value.serializer":
                return "cannot be changed: the job reads and writes raw bytes itself";
            default:
                return null;
        }
    }

    /**
     * The collector's Admin client takes only the keys an Admin client knows: the security
     * settings reach it, consumer and producer tuning would only be logged as unknown.
     */
    static Map<String, String> forAdmin(Map<String, String> properties) {
        Set<String> admin = AdminClientConfig.configNames();
        Map<String, String> out = new LinkedHashMap<>();
        properties.forEach((k, v) -> {
            if (admin.contains(k) || k.startsWith("sasl.") || k.startsWith("ssl.")) {
                out.put(k, v);
            }
        });
        return out;
    }

    static Map<String, String> forViews(Map<String, String> properties) {
        return side(properties, true);
    }

    static Map<String, String> forWriters(Map<String, String> properties) {
        return side(properties, false);
    }

    private static Map<String, String> side(Map<String, String> properties, boolean views) {
        Set<String> consumer = ConsumerConfig.configNames();
        Set<String> producer = ProducerConfig.configNames();
        Map<String, String> out = new LinkedHashMap<>();
        properties.forEach((k, v) -> {
            boolean sourceOption = k.startsWith("partition.discovery.") || k.equals("commit.offsets.on.checkpoint")
                    || k.equals("register.consumer.metrics") || k.equals("client.id.prefix");
            boolean consumerOnly = sourceOption || (consumer.contains(k) && !producer.contains(k));
            boolean producerOnly = producer.contains(k) && !consumer.contains(k);
            if (views ? !producerOnly : !consumerOnly) {
                out.put(k, v);
            }
        });
        return out;
    }
}
