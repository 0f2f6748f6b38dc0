package io.txinsight.job.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.events.KafkaTransactionHanging;
import io.txinsight.events.KafkaTransactionHanging.HeldPartition;
import io.txinsight.job.e2e.KafkaBroker;
import io.txinsight.job.metrics.CapturingMetricGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The collector's poll against a real broker whose {@code transaction.max.timeout.ms} is 2 s, with
 * a really hanging transaction ({@link GhostTransaction}): detected once, named with the command
 * that ends it, and gone once that command's abort ran.
 */
class TransactionsAtTheBrokerTest {

    private static final long MAX_TIMEOUT_MS = 2_000;

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker(Map.of(
            "transaction.max.timeout.ms", String.valueOf(MAX_TIMEOUT_MS),
            // Lets the ghost's batch in: see GhostTransaction.
            "transaction.partition.verification.enable", "false"));

    private static final long GHOST_PRODUCER_ID = 900_001;

    @Test
    void aHangingTransactionIsReportedOnceWithItsAbortCommandAndTheLagsShowWhatItHoldsBack() throws Exception {
        String topic = "hanging-events";
        KAFKA.createTopic(topic, 3);
        String[] hostPort = KAFKA.bootstrapServers().split(":");
        try (Admin admin = admin(); KafkaProducer<String, String> committer = producer("committer")) {
            committer.initTransactions();
            committer.beginTransaction();
            for (int p = 0; p < 3; p++) {
                committer.send(new ProducerRecord<>(topic, p, "k", "before")).get();
            }
            committer.commitTransaction();
            long start = GhostTransaction.leave(hostPort[0], Integer.parseInt(hostPort[1]), topic, 1, GHOST_PRODUCER_ID,
                    "open-T-1", "step-T-1");
            committer.beginTransaction();
            committer.send(new ProducerRecord<>(topic, 1, "k", "behind the ghost")).get();
            committer.commitTransaction();
            // The coordinator writes the commit markers after it answers: wait for them, so the
            // high watermark stays put from here on.
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> admin.describeTransactions(List.of("committer"))
                    .description("committer").get().state() == TransactionState.COMPLETE_COMMIT);
            long highWatermark = admin.listOffsets(Map.of(new TopicPartition(topic, 1), OffsetSpec.latest())).all().get()
                    .get(new TopicPartition(topic, 1)).offset();
            // The monitor view's group committed offset 0 on partition 1, the committed view's the LSO.
            admin.alterConsumerGroupOffsets("monitor-g", Map.of(new TopicPartition(topic, 1), new OffsetAndMetadata(0)))
                    .all().get();
            admin.alterConsumerGroupOffsets("committed-g", Map.of(new TopicPartition(topic, 1), new OffsetAndMetadata(start)))
                    .all().get();

            CapturingMetricGroup group = new CapturingMetricGroup();
            CollectorMetrics metrics = new CollectorMetrics(group, List.of(topic));
            TransactionsAtTheBroker broker = new TransactionsAtTheBroker(admin, KAFKA.bootstrapServers(), List.of(topic),
                    null, "monitor-g", "committed-g",
                    KafkaTransactionsSettings.DEFAULTS.withMaxTransactionTimeoutMs(MAX_TIMEOUT_MS), metrics, List.of());
            String hangingGauge = "txinsights_topic_kafka_hanging_transactions{topic=" + topic + "}";
            assertThat(group.gaugeValue(hangingGauge)).isEqualTo(0L);

            // Open, and not yet silent past the broker's max timeout: open, not hanging.
            List<KafkaTransactionHanging> first = broker.poll(System.currentTimeMillis());
            assertThat(first).isEmpty();
            assertThat(group.gaugeValue("txinsights_topic_kafka_open_transactions{topic=" + topic + "}")).isEqualTo(1L);
            assertThat(group.gaugeValue("txinsights_topic_partition_lso_lag_records{partition=1,topic=" + topic + "}"))
                    .isEqualTo(highWatermark - start);

            List<KafkaTransactionHanging> reported = new ArrayList<>();
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
                reported.addAll(broker.poll(System.currentTimeMillis()));
                return !reported.isEmpty();
            });
            KafkaTransactionHanging hanging = reported.get(0);
            assertThat(hanging.alert()).isEqualTo(KafkaTransactionHanging.KAFKA_TRANSACTION_HANGING);
            assertThat(hanging.producerId()).isEqualTo(GHOST_PRODUCER_ID);
            assertThat(hanging.transactionalId()).as("no coordinator knows the ghost").isNull();
            assertThat(hanging.partitions()).containsExactly(new HeldPartition(topic, 1, start));
            assertThat(hanging.recordsHeldBack()).isEqualTo(highWatermark - start);
            assertThat(hanging.ageMs()).isGreaterThan(MAX_TIMEOUT_MS);
            assertThat(hanging.abortCommands()).containsExactly("kafka-transactions.sh --bootstrap-server "
                    + KAFKA.bootstrapServers() + " abort --topic " + topic + " --partition 1 --start-offset " + start);
            assertThat(group.gaugeValue(hangingGauge)).isEqualTo(1L);

            // Once per hanging transaction, not once per poll.
            assertThat(broker.poll(System.currentTimeMillis())).isEmpty();
            assertThat(broker.reported()).containsExactly(GHOST_PRODUCER_ID + "@" + topic + "-1:" + start);
            // A restarted collector that restored what was reported stays quiet too.
            TransactionsAtTheBroker restarted = new TransactionsAtTheBroker(admin, KAFKA.bootstrapServers(),
                    List.of(topic), null, "monitor-g", "committed-g",
                    KafkaTransactionsSettings.DEFAULTS.withMaxTransactionTimeoutMs(MAX_TIMEOUT_MS),
                    new CollectorMetrics(new CapturingMetricGroup(), List.of(topic)), broker.reported());
            assertThat(restarted.poll(System.currentTimeMillis())).isEmpty();

            // The lags: records and time, the LSO's and each view's.
            assertThat(group.gaugeValue("txinsights_topic_partition_lso_lag_ms{partition=1,topic=" + topic + "}"))
                    .satisfies(ms -> assertThat((Long) ms).isPositive());
            assertThat(group.gaugeValue("txinsights_view_topic_partition_input_lag_records{partition=1,topic=" + topic
                    + ",view=monitor}")).isEqualTo(highWatermark);
            assertThat(group.gaugeValue("txinsights_view_topic_partition_input_lag_records{partition=1,topic=" + topic
                    + ",view=committed}")).as("read_committed can read no further than the LSO").isEqualTo(0L);
            assertThat(group.gaugeValue("txinsights_view_topic_partition_input_lag_records{partition=0,topic=" + topic
                    + ",view=monitor}")).as("a partition the group never committed").isEqualTo(-1L);
            assertThat(group.gaugeValue("txinsights_view_topic_partition_input_lag_ms{partition=1,topic=" + topic
                    + ",view=monitor}")).satisfies(ms -> assertThat((Long) ms).isPositive());

            // What the abort command does: abort the producer's transaction on that partition.
            ProducerState ghost = admin.describeProducers(List.of(new TopicPartition(topic, 1))).all().get()
                    .get(new TopicPartition(topic, 1)).activeProducers().stream()
                    .filter(p -> p.producerId() == GHOST_PRODUCER_ID).findFirst().orElseThrow();
            admin.abortTransaction(new AbortTransactionSpec(new TopicPartition(topic, 1), ghost.producerId(),
                    (short) ghost.producerEpoch(), ghost.coordinatorEpoch().orElse(-1))).all().get();
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                assertThat(broker.poll(System.currentTimeMillis())).isEmpty();
                assertThat(group.gaugeValue(hangingGauge)).isEqualTo(0L);
                assertThat(group.gaugeValue("txinsights_topic_partition_lso_lag_records{partition=1,topic=" + topic + "}"))
                        .isEqualTo(0L);
            });
            assertThat(broker.reported()).isEmpty();
            assertThat(group.count("txinsights_kafka_collector_polls")).isGreaterThan(3);
            assertThat(group.count("txinsights_reason_kafka_collector_failures{reason=other}")).isZero();
        }
    }

    @Test
    void aBrokerThatDoesNotAnswerIsCountedNotThrown() {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + closedPort);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 1_000);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 1_000);
        try (Admin admin = Admin.create(props)) {
            CapturingMetricGroup group = new CapturingMetricGroup();
            TransactionsAtTheBroker broker = new TransactionsAtTheBroker(admin, "127.0.0.1:" + closedPort,
                    List.of("nowhere"), null, "m", "c", KafkaTransactionsSettings.DEFAULTS,
                    new CollectorMetrics(group, List.of("nowhere")), List.of());
            assertThat(broker.poll(System.currentTimeMillis())).isEmpty();
            assertThat(broker.poll(System.currentTimeMillis())).isEmpty();
            assertThat(group.count("txinsights_reason_kafka_collector_failures{reason=timeout}")).isEqualTo(2);
            assertThat(group.count("txinsights_kafka_collector_polls")).isZero();
            assertThat(group.gaugeValue("txinsights_topic_kafka_open_transactions{topic=nowhere}")).isEqualTo(0L);
        }
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()));
    }

    private static KafkaProducer<String, String> producer(String transactionalId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) MAX_TIMEOUT_MS);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }
}
