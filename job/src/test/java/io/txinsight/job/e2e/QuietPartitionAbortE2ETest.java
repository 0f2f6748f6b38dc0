package io.txinsight.job.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.events.Alert;
import io.txinsight.events.CloseStatus;
import io.txinsight.events.Outcome;
import io.txinsight.job.JobConfig;
import io.txinsight.job.LocalMiniCluster;
import io.txinsight.job.TxInsightJob;
import io.txinsight.job.sources.StartingOffsets;
import io.txinsight.job.tracker.TrackerSettings;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 18's "done when": at parallelism 1 and 4, on partitions that go quiet, every Aborted verdict
 * is right and none ends Expired. The last write on each partition is a Kafka transaction that
 * aborts, carrying the close of a business transaction whose open was committed. No committed
 * record follows on any partition, so the committed view alone can never prove the abort (its
 * evidence is a later committed record of the same partition hashing to the same subtask); the
 * tracker must learn it from Kafka ({@code RollbackProbe}). Without that, those transactions stay
 * tentatively closed until retention, past this test's deadline. At parallelism 1 one subtask
 * sees every partition, yet still no committed record follows the aborted closes: the proof must
 * come from Kafka there too, so the verdict does not depend on the parallelism.
 */
class QuietPartitionAbortE2ETest {

    private static final int PARTITIONS = 4;
    private static final long RETENTION_MS = 120_000;

    @RegisterExtension
    static final MiniClusterExtension FLINK = LocalMiniCluster.withSlots(PARTITIONS);

    @RegisterExtension
    static final KafkaBroker kafka = new KafkaBroker();

    @ParameterizedTest(name = "parallelism {0}")
    @ValueSource(ints = {1, PARTITIONS})
    void everyRolledBackCloseEndsAbortedOnQuietPartitions(int parallelism) throws Exception {
        String name = "quiet-p" + parallelism;
        String topic = name + "-events";
        JobClient job = startJob(name, parallelism);
        KafkaProducer<byte[], byte[]> producer = TestEvents.producer(kafka.bootstrapServers(), name + "-writer");
        try (JobOutputs outputs = new JobOutputs(kafka.bootstrapServers(), name + "-outcomes", name + "-alerts")) {
            warmUp(producer, topic, outputs);

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
            System.out.printf("QuietPartitionAbortE2ETest: parallelism %d, %d verdicts %d ms after the last write%n",
                    parallelism, expected.size(), elapsed);
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

    /**
     * Issue 18's root cause: a business transaction whose close waits behind a Kafka transaction
     * left open by another producer names that transaction in its outcome, once it has waited past
     * the abort grace, and is Closed when that transaction ends.
     */
    @Test
    void aCloseHeldBackByAnOpenKafkaTransactionNamesIt() throws Exception {
        String topic = "held-events";
        JobClient job = startJob("held", PARTITIONS);
        KafkaProducer<byte[], byte[]> producer = TestEvents.producer(kafka.bootstrapServers(), "held-writer");
        KafkaProducer<byte[], byte[]> holder = TestEvents.producer(kafka.bootstrapServers(), "slow-ledger-service");
        try (JobOutputs outputs = new JobOutputs(kafka.bootstrapServers(), "held-outcomes", "held-alerts")) {
            warmUp(producer, topic, outputs);
            long now = System.currentTimeMillis();
            holder.beginTransaction();
            holder.send(TestEvents.record(topic, 1, TestEvents.open("holder-own", now, "payment")));
            holder.flush();
            // Committed, but behind the holder's open transaction on partition 1: invisible to
            // read_committed until the holder ends.
            producer.beginTransaction();
            producer.send(TestEvents.record(topic, 1, TestEvents.open("held-back", now, "payment")));
            producer.send(TestEvents.record(topic, 1, TestEvents.close("held-back", now + 10, CloseStatus.SUCCESS)));
            producer.commitTransaction();

            // Past the grace (1 s) the tracker asks Kafka who holds the close, at every re-check
            // (1 s). The holder stays open 10 s, several re-checks even on a slow machine; no
            // verdict may come meanwhile (neither Closed nor Aborted can be proven).
            assertThat(outputs.pollUntil(() -> outputs.outcomes().containsKey("held-back"), Duration.ofSeconds(10)))
                    .as("no verdict while the close is held back").isFalse();
            holder.commitTransaction();
            assertThat(outputs.pollUntil(() -> outputs.outcomes().containsKey("held-back"), Duration.ofSeconds(30)))
                    .as("Closed once the holder committed").isTrue();
            Outcome held = outputs.outcomes().get("held-back").get(0);
            assertThat(held.state()).isEqualTo(Outcome.State.CLOSED);
            assertThat(held.blockedBy()).as("the outcome names what held it back").isNotNull();
            assertThat(held.blockedBy().transactionalId()).startsWith("slow-ledger-service-");
            assertThat(held.blockedBy().partitions()).containsExactly(topic + "-1");
            assertThat(held.blockedBy().producerId()).isNotNegative();
            assertThat(outputs.outcomes().get("warm-up").get(0).blockedBy()).as("nothing held the warm-up").isNull();
        } finally {
            job.cancel().get();
            holder.close(Duration.ZERO);
            producer.close(Duration.ZERO);
        }
    }

    /**
     * Issue 18: business transactions whose every record was rolled back, with no close, end
     * Aborted once Kafka proves it, at parallelism 4 on quiet partitions. On partitions 0, 2 and 3 a
     * producer's Kafka transaction carrying opens and steps aborts at once, the partition's last
     * write: Aborted with no stuck alert (Kafka is asked the grace before the stuck deadline). On
     * partition 1 one stays open past the stuck timeout: its business transactions are stuck, and
     * the alerts name the Kafka transaction that holds their records; once it aborts they end
     * Aborted, {@code was_stuck}, naming it too.
     */
    @Test
    void neverClosedTransactionsWhoseRecordsWereRolledBackEndAborted() throws Exception {
        String topic = "rolled-back-events";
        JobClient job = startJob("rolled-back", PARTITIONS, JobConfig.DEFAULTS.tracker().withStuckTimeoutMs(10_000)
                .withAbortGraceMs(3_000).withRetentionMs(RETENTION_MS));
        KafkaProducer<byte[], byte[]> producer = TestEvents.producer(kafka.bootstrapServers(), "rolled-back-writer");
        KafkaProducer<byte[], byte[]> holder = TestEvents.producer(kafka.bootstrapServers(), "stalled-service");
        try (JobOutputs outputs = new JobOutputs(kafka.bootstrapServers(), "rolled-back-outcomes", "rolled-back-alerts")) {
            warmUp(producer, topic, outputs);
            long now = System.currentTimeMillis();
            List<String> quiet = new ArrayList<>();
            producer.beginTransaction();
            for (int p : new int[] {0, 2, 3}) {
                for (int i = 0; i < 2; i++) {
                    String id = "rolled-back-p" + p + "-" + i;
                    producer.send(TestEvents.record(topic, p, TestEvents.open(id, now, "payment")));
                    producer.send(TestEvents.record(topic, p, TestEvents.stepOpen(id, now + 5, "authorize")));
                    quiet.add(id);
                }
            }
            producer.flush();
            producer.abortTransaction();
            List<String> held = List.of("held-open-0", "held-open-1");
            holder.beginTransaction();
            for (String id : held) {
                holder.send(TestEvents.record(topic, 1, TestEvents.open(id, now, "payment")));
            }
            holder.flush();

            assertThat(outputs.pollUntil(() -> outputs.alerts().keySet().containsAll(held), Duration.ofSeconds(60)))
                    .as("stuck while their Kafka transaction stays open; alerts so far %s", outputs.alerts().keySet())
                    .isTrue();
            for (String id : held) {
                Alert alert = outputs.alerts().get(id).get(0);
                assertThat(alert.blockedBy()).as("the stuck alert of %s names what holds its records", id).isNotNull();
                assertThat(alert.blockedBy().transactionalId()).startsWith("stalled-service-");
                assertThat(alert.blockedBy().partitions()).containsExactly(topic + "-1");
            }
            holder.abortTransaction();
            long lastWrite = System.currentTimeMillis();

            List<String> all = new ArrayList<>(quiet);
            all.addAll(held);
            boolean decided = outputs.pollUntil(() -> outputs.outcomes().keySet().containsAll(all), Duration.ofSeconds(45));
            System.out.printf("QuietPartitionAbortE2ETest: %d rolled-back verdicts %d ms after the last write%n",
                    all.size(), System.currentTimeMillis() - lastWrite);
            assertThat(decided).as("a verdict for every rolled-back transaction, far below retention; got %s",
                    outputs.outcomes().keySet()).isTrue();
            List<String> wrong = new ArrayList<>();
            for (String id : all) {
                List<Outcome> got = outputs.outcomes().get(id);
                boolean stuck = held.contains(id);
                if (got.size() != 1 || got.get(0).state() != Outcome.State.ABORTED || got.get(0).wasStuck() != stuck) {
                    wrong.add(id + ": expected one Aborted" + (stuck ? " was_stuck" : "") + ", got " + got);
                }
            }
            assertThat(wrong).as("verdicts that differ from what Kafka did").isEmpty();
            assertThat(outputs.outcomes().get("held-open-0").get(0).blockedBy().transactionalId())
                    .startsWith("stalled-service-");
            assertThat(outputs.alerts().keySet()).as("no alert for the records rolled back at once")
                    .containsExactlyInAnyOrderElementsOf(held);
        } finally {
            job.cancel().get();
            holder.close(Duration.ZERO);
            producer.close(Duration.ZERO);
        }
    }

    private static JobClient startJob(String name, int parallelism) throws Exception {
        return startJob(name, parallelism, JobConfig.DEFAULTS.tracker().withStuckTimeoutMs(RETENTION_MS / 2)
                .withAbortGraceMs(1_000).withRetentionMs(RETENTION_MS));
    }

    private static JobClient startJob(String name, int parallelism, TrackerSettings tracker) throws Exception {
        kafka.createTopic(name + "-events", PARTITIONS);
        kafka.createTopics(2, name + "-outcomes", name + "-alerts", name + "-dead-letters");
        JobConfig config = JobConfig.DEFAULTS
                .withBootstrapServers(kafka.bootstrapServers())
                .withTopics(name + "-events")
                .withStartingOffsets(StartingOffsets.EARLIEST)
                .withTracker(tracker)
                .withOutOfOrdernessMs(500)
                .withOutputTopics(name + "-outcomes", name + "-alerts", name + "-dead-letters")
                .withCheckpointIntervalMs(1_000)
                .withParallelism(parallelism)
                .withTransactionalIdPrefix("e2e-" + name);
        return TxInsightJob.start(StreamExecutionEnvironment.getExecutionEnvironment(), config);
    }

    private static void warmUp(KafkaProducer<byte[], byte[]> producer, String topic, JobOutputs outputs) {
        long t = System.currentTimeMillis();
        producer.beginTransaction();
        producer.send(TestEvents.record(topic, 0, TestEvents.open("warm-up", t, "payment")));
        producer.send(TestEvents.record(topic, 0, TestEvents.close("warm-up", t + 5, CloseStatus.SUCCESS)));
        producer.commitTransaction();
        assertThat(outputs.pollUntil(() -> outputs.outcomes().containsKey("warm-up"), Duration.ofSeconds(90)))
                .as("the job is up and closes a transaction")
                .isTrue();
    }
}
