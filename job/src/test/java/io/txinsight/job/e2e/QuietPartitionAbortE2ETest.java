package io.txinsight.job.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.events.CloseStatus;
import io.txinsight.events.Outcome;
import io.txinsight.job.JobConfig;
import io.txinsight.job.LocalMiniCluster;
import io.txinsight.job.TxInsightJob;
import io.txinsight.job.sources.StartingOffsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 18's "done when": at parallelism 4, on partitions that go quiet, every Aborted verdict is
 * right and none ends Expired. The last write on each partition is a Kafka transaction that
 * aborts, carrying the close of a business transaction whose open was committed. No committed
 * record follows on any partition, so the committed view alone can never prove the abort (its
 * evidence is a later committed record of the same partition hashing to the same subtask); the
 * tracker must learn it from Kafka ({@code RollbackProbe}). Without that, those transactions stay
 * tentatively closed until retention, past this test's deadline.
 */
class QuietPartitionAbortE2ETest {

    private static final int PARTITIONS = 4;
    private static final long RETENTION_MS = 120_000;

    @RegisterExtension
    static final MiniClusterExtension FLINK = LocalMiniCluster.withSlots(PARTITIONS);

    @RegisterExtension
    static final KafkaBroker kafka = new KafkaBroker();

    @Test
    void everyRolledBackCloseEndsAbortedOnQuietPartitionsAtParallelismFour() throws Exception {
        String topic = "quiet-events";
        kafka.createTopic(topic, PARTITIONS);
        kafka.createTopics(2, "quiet-outcomes", "quiet-alerts", "quiet-dead-letters");
        JobConfig config = JobConfig.DEFAULTS
                .withBootstrapServers(kafka.bootstrapServers())
                .withTopics(topic)
                .withStartingOffsets(StartingOffsets.EARLIEST)
                .withTracker(JobConfig.DEFAULTS.tracker().withStuckTimeoutMs(RETENTION_MS / 2)
                        .withAbortGraceMs(1_000).withRetentionMs(RETENTION_MS))
                .withOutOfOrdernessMs(500)
                .withOutputTopics("quiet-outcomes", "quiet-alerts", "quiet-dead-letters")
                .withCheckpointIntervalMs(1_000)
                .withParallelism(PARTITIONS)
                .withTransactionalIdPrefix("e2e-quiet");
        JobClient job = TxInsightJob.start(StreamExecutionEnvironment.getExecutionEnvironment(), config);
        KafkaProducer<byte[], byte[]> producer = TestEvents.producer(kafka.bootstrapServers(), "quiet-writer");
        try (JobOutputs outputs = new JobOutputs(kafka.bootstrapServers(), "quiet-outcomes", "quiet-alerts")) {
            long t = System.currentTimeMillis();
            producer.beginTransaction();
            producer.send(TestEvents.record(topic, 0, TestEvents.open("warm-up", t, "payment")));
            producer.send(TestEvents.record(topic, 0, TestEvents.close("warm-up", t + 5, CloseStatus.SUCCESS)));
            producer.commitTransaction();
            assertThat(outputs.pollUntil(() -> outputs.outcomes().containsKey("warm-up"), Duration.ofSeconds(90)))
                    .as("the job is up and closes a transaction")
                    .isTrue();

            // Per partition: three whole transactions and two opens, committed; then the two
            // closes in a Kafka transaction that aborts, the partition's last write.
            Map<String, Outcome.State> expected = new TreeMap<>();
            long now = System.currentTimeMillis();
            for (int p = 0; p < PARTITIONS; p++) {
                producer.beginTransaction();
                for (int i = 0; i < 3; i++) {
                    String id = "committed-p" + p + "-" + i;
                    producer.send(TestEvents.record(topic, p, TestEvents.open(id, now, "payment")));
                    producer.send(TestEvents.record(topic, p, TestEvents.close(id, now + 10, CloseStatus.SUCCESS)));
                    expected.put(id, Outcome.State.CLOSED);
                }
                for (int i = 0; i < 2; i++) {
                    String id = "rolled-back-close-p" + p + "-" + i;
                    producer.send(TestEvents.record(topic, p, TestEvents.open(id, now, "transfer")));
                    expected.put(id, Outcome.State.ABORTED);
                }
                producer.commitTransaction();
            }
            for (int p = 0; p < PARTITIONS; p++) {
                producer.beginTransaction();
                for (int i = 0; i < 2; i++) {
                    String id = "rolled-back-close-p" + p + "-" + i;
                    producer.send(TestEvents.record(topic, p, TestEvents.close(id, now + 20, CloseStatus.SUCCESS)));
                }
                producer.flush();
                producer.abortTransaction();
            }
            long lastWrite = System.currentTimeMillis();

            // Far below retention: an Expired verdict could not come in time, only a proven abort.
            Duration budget = Duration.ofSeconds(45);
            boolean all = outputs.pollUntil(() -> outputs.outcomes().keySet().containsAll(expected.keySet()), budget);
            long elapsed = System.currentTimeMillis() - lastWrite;
            System.out.printf("QuietPartitionAbortE2ETest: %d verdicts %d ms after the last write%n",
                    expected.size(), elapsed);
            assertThat(all).as("a verdict for every transaction within %s; got %s", budget,
                    outputs.outcomes().keySet()).isTrue();
            List<String> wrong = new ArrayList<>();
            expected.forEach((id, state) -> {
                List<Outcome> got = outputs.outcomes().get(id);
                if (got.size() != 1 || got.get(0).state() != state) {
                    wrong.add(id + ": expected one " + state + ", got " + got);
                }
            });
            assertThat(wrong).as("verdicts that differ from what Kafka did").isEmpty();
            assertThat(outputs.alerts()).as("nothing went silent long enough to be stuck").isEmpty();
        } finally {
            job.cancel().get();
            producer.close(Duration.ZERO);
        }
    }
}
