package io.txinsight.job.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.events.CloseStatus;
import io.txinsight.events.KafkaTransactionHanging;
import io.txinsight.job.JobConfig;
import io.txinsight.job.LocalMiniCluster;
import io.txinsight.job.TxInsightJob;
import io.txinsight.job.collector.GhostTransaction;
import io.txinsight.job.sources.StartingOffsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The collector inside the job (issue 18 §1, §3): a Kafka transaction really hangs on one input
 * partition ({@link GhostTransaction}: no coordinator will ever end it), and the job writes one
 * {@code kafka_transaction_hanging} record naming it, with the command that ends it, to its alerts
 * topic, exactly once, while it keeps tracking the other partitions.
 */
class HangingKafkaTransactionE2ETest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = LocalMiniCluster.withSlots(2);

    @RegisterExtension
    static final KafkaBroker kafka = new KafkaBroker(Map.of("transaction.partition.verification.enable", "false"));

    private static final long GHOST_PRODUCER_ID = 910_001;

    @Test
    void aHangingKafkaTransactionIsNamedOnceOnTheAlertsTopic() throws Exception {
        String topic = "ghost-events";
        kafka.createTopic(topic, 2);
        kafka.createTopics(1, "ghost-outcomes", "ghost-alerts", "ghost-dead-letters");
        JobConfig config = JobConfig.DEFAULTS
                .withBootstrapServers(kafka.bootstrapServers())
                .withTopics(topic)
                .withStartingOffsets(StartingOffsets.EARLIEST)
                .withOutOfOrdernessMs(500)
                .withOutputTopics("ghost-outcomes", "ghost-alerts", "ghost-dead-letters")
                .withCheckpointIntervalMs(1_000)
                .withParallelism(2)
                .withTransactionalIdPrefix("e2e-ghost")
                // The rule's max timeout, not the broker's: the job's own writers keep their 10 min
                // transactions. The ghost hangs whatever the timeout: no coordinator knows it.
                // Long enough for the tracker to name the ghost as what holds the closes behind it
                // (past the 1 s grace) before the collector reports it hanging.
                .withKafkaTransactions(JobConfig.DEFAULTS.kafkaTransactions()
                        .withIntervalMs(500).withMaxTransactionTimeoutMs(15_000))
                .withTracker(JobConfig.DEFAULTS.tracker().withAbortGraceMs(1_000));
        String[] hostPort = kafka.bootstrapServers().split(":");
        long start = GhostTransaction.leave(hostPort[0], Integer.parseInt(hostPort[1]), topic, 1, GHOST_PRODUCER_ID,
                new String(TestEvents.record(topic, TestEvents.open("in-ghost-1", System.currentTimeMillis(), "payment")).value(),
                        java.nio.charset.StandardCharsets.UTF_8));
        JobClient job = TxInsightJob.start(StreamExecutionEnvironment.getExecutionEnvironment(), config);
        try (KafkaProducer<byte[], byte[]> producer = TestEvents.producer(kafka.bootstrapServers(), "ghost-e2e");
                JobOutputs outputs = new JobOutputs(kafka.bootstrapServers(), "ghost-outcomes", "ghost-alerts")) {
            long t = System.currentTimeMillis();
            // Committed behind the ghost on partition 1: it blocks them.
            producer.beginTransaction();
            for (String id : List.of("behind-ghost-1", "behind-ghost-2")) {
                producer.send(TestEvents.record(topic, 1, TestEvents.open(id, t, "payment")));
                producer.send(TestEvents.record(topic, 1, TestEvents.close(id, t + 5, CloseStatus.SUCCESS)));
            }
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(TestEvents.record(topic, 0, TestEvents.open("on-free-partition", t, "payment")));
            producer.send(TestEvents.record(topic, 0, TestEvents.close("on-free-partition", t + 5, CloseStatus.SUCCESS)));
            producer.commitTransaction();

            assertThat(outputs.pollUntil(() -> !outputs.hanging().isEmpty() && outputs.outcomes()
                    .containsKey("on-free-partition"), Duration.ofSeconds(90)))
                    .as("a hanging record and the other partition's outcome; got %s and %s", outputs.hanging(),
                            outputs.outcomes().keySet())
                    .isTrue();
            KafkaTransactionHanging hanging = outputs.hanging().get(0);
            assertThat(hanging.producerId()).isEqualTo(GHOST_PRODUCER_ID);
            assertThat(hanging.partitions()).containsExactly(new KafkaTransactionHanging.HeldPartition(topic, 1, start));
            assertThat(hanging.abortCommands()).containsExactly("kafka-transactions.sh --bootstrap-server "
                    + kafka.bootstrapServers() + " abort --topic " + topic + " --partition 1 --start-offset " + start);
            assertThat(hanging.ageMs()).isGreaterThan(15_000);
            assertThat(hanging.blockedTxnCount()).as("the business transactions it blocks").isEqualTo(2);
            assertThat(hanging.blockedTxnIds()).containsExactlyInAnyOrder("behind-ghost-1", "behind-ghost-2");

            // Polled twice a second, written once: no second record within ten more polls.
            assertThat(outputs.pollUntil(() -> outputs.hanging().size() > 1, Duration.ofSeconds(5)))
                    .as("one record per hanging transaction, got %s", outputs.hanging())
                    .isFalse();
        } finally {
            job.cancel().get();
        }
    }
}
