package io.txinsight.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaBrokerTest {

    private static EmbeddedKafkaBroker kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafkaBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void readCommittedSeesExactlyTheCommittedRecordsAndReadUncommittedSeesAll() throws Exception {
        String topic = "isolation";
        kafka.createTopic(topic, 2);

        List<String> committed = new ArrayList<>();
        List<String> all = new ArrayList<>();
        try (KafkaProducer<String, String> producer = transactionalProducer("isolation-writer")) {
            producer.initTransactions();
            for (int txn = 0; txn < 6; txn++) {
                boolean commit = txn % 3 != 1; // transactions 1 and 4 abort
                producer.beginTransaction();
                for (int i = 0; i < 5; i++) {
                    String value = "txn" + txn + "-rec" + i;
                    producer.send(new ProducerRecord<>(topic, "key" + i, value)).get();
                    all.add(value);
                    if (commit) {
                        committed.add(value);
                    }
                }
                if (commit) {
                    producer.commitTransaction();
                } else {
                    producer.abortTransaction();
                }
            }
        }

        assertThat(readAll(topic, "read_committed", committed.size()))
                .containsExactlyInAnyOrderElementsOf(committed);
        assertThat(readAll(topic, "read_uncommitted", all.size())).containsExactlyInAnyOrderElementsOf(all);
    }

    @Test
    void closeStopsTheBrokerAndDeletesItsStorage() throws Exception {
        EmbeddedKafkaBroker second = EmbeddedKafkaBroker.start();
        Path dir = second.dataDir();
        int port = second.port();
        assertThat(second.bootstrapServers()).startsWith("127.0.0.1:");
        assertThat(Files.exists(dir)).isTrue();

        second.close();
        second.close(); // idempotent

        assertThat(Files.exists(dir)).isFalse();
        assertThat(accepts(port)).as("port %d still accepting after close", port).isFalse();
    }

    @Test
    void createTopicIsIdempotent() {
        kafka.createTopics(3, "a-topic", "b-topic");
        kafka.createTopic("a-topic", 3);
        assertThat(kafka.topics()).contains("a-topic", "b-topic");
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static KafkaProducer<String, String> transactionalProducer(String txnId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, txnId);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    /**
     * Reads until {@code expected} records arrived and then until the consumer has reached the end
     * of every partition, so records beyond the expected count would be seen too.
     */
    private static List<String> readAll(String topic, String isolation, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + isolation);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
                if (values.size() >= expected && atEnd(consumer)) {
                    break;
                }
            }
        }
        return values;
    }

    private static boolean atEnd(KafkaConsumer<String, String> consumer) {
        if (consumer.assignment().isEmpty()) {
            return false;
        }
        Map<org.apache.kafka.common.TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
        return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }
}
