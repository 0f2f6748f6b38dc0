package io.txinsight.job.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.job.collector.OpenKafkaTransaction.Kind;
import io.txinsight.job.e2e.KafkaBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The collector against a real broker, with a Kafka transaction held open on two of three partitions. */
class KafkaTransactionsCollectorTest {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    private static final String TOPIC = "collector-events";

    @Test
    void seesTheOpenTransactionPinningTheLastStableOffsetAndNothingOnceItAborts() throws Exception {
        KAFKA.createTopic(TOPIC, 3);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()));
                KafkaProducer<String, String> holder = producer("holder-1");
                KafkaProducer<String, String> committer = producer("committer-1")) {
            holder.initTransactions();
            holder.beginTransaction();
            holder.send(new ProducerRecord<>(TOPIC, 0, "a", "held")).get();
            holder.send(new ProducerRecord<>(TOPIC, 1, "b", "held")).get();
            committer.initTransactions();
            committer.beginTransaction();
            for (int p = 0; p < 3; p++) {
                committer.send(new ProducerRecord<>(TOPIC, p, "c", "committed")).get();
            }
            committer.commitTransaction();

            KafkaTransactionsCollector collector = new KafkaTransactionsCollector(admin, List.of(TOPIC),
                    new HangingRule(HangingRule.KAFKA_DEFAULT_MAX_TIMEOUT_MS, 60_000), Duration.ofSeconds(20));
            KafkaTransactionsSnapshot held = collector.poll(System.currentTimeMillis());

            assertThat(held.partitions()).extracting(PartitionOffsets::partition, PartitionOffsets::highWatermark,
                            PartitionOffsets::lastStableOffset)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(0, 3L, 0L),
                            org.assertj.core.groups.Tuple.tuple(1, 3L, 0L),
                            org.assertj.core.groups.Tuple.tuple(2, 2L, 2L));
            assertThat(held.partitions()).extracting(PartitionOffsets::stableLagRecords).containsExactly(3L, 3L, 0L);
            assertThat(held.openTransactions()).hasSize(2).allSatisfy(t -> {
                assertThat(t.transactionalId()).isEqualTo("holder-1");
                assertThat(t.coordinatorState()).isEqualTo("Ongoing");
                assertThat(t.startOffset()).isZero();
                assertThat(t.coordinatorPartitions()).containsExactly(TOPIC + "-0", TOPIC + "-1");
                assertThat(t.kind()).isEqualTo(Kind.OPEN);
                assertThat(t.abortCommand("k:9092")).isEqualTo("kafka-transactions.sh --bootstrap-server k:9092 abort"
                        + " --topic " + TOPIC + " --partition " + t.partition() + " --start-offset 0");
            });
            assertThat(held.openTransactions()).extracting(OpenKafkaTransaction::partition).containsExactly(0, 1);
            assertThat(held.hanging()).isEmpty();

            // An age threshold of zero flags it long open; the coordinator still accounts for it,
            // so even a zero max timeout does not call it hanging.
            KafkaTransactionsSnapshot strict = new KafkaTransactionsCollector(admin, List.of(TOPIC),
                    new HangingRule(0, 0), Duration.ofSeconds(20)).poll(System.currentTimeMillis() + 1);
            assertThat(strict.openTransactions()).extracting(OpenKafkaTransaction::kind)
                    .containsOnly(Kind.LONG_OPEN);

            holder.abortTransaction();
            // The coordinator writes the abort markers after it answers, so wait for them.
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                KafkaTransactionsSnapshot after = collector.poll(System.currentTimeMillis());
                assertThat(after.openTransactions()).isEmpty();
                assertThat(after.oldestOpenAgeMs()).isZero();
                assertThat(after.partitions())
                        .allSatisfy(p -> assertThat(p.lastStableOffset()).isEqualTo(p.highWatermark()));
            });
        }
    }

    private static KafkaProducer<String, String> producer(String transactionalId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }
}
