package io.txinsight.job.e2e;

import io.txinsight.job.LocalMiniCluster;
import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.events.Alert;
import io.txinsight.events.CloseStatus;
import io.txinsight.job.JobConfig;
import io.txinsight.job.TxInsightJob;
import io.txinsight.job.sources.StartingOffsets;
import java.time.Duration;
import java.util.List;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every producer dies and nothing is written any more: the case stuck detection exists for. The
 * monitor clock must keep moving with the wall clock (docs/design.md §3), so the stuck alerts still
 * arrive within the stuck timeout plus 10 s of wall time.
 *
 * <p>One producer dies inside an open Kafka transaction, which pins the partition's last stable
 * offset: the committed view sees nothing after that point, so no clock may depend on it. The
 * topic has one partition for two source subtasks, so one monitor reader has no partition at all
 * and must not hold the clock back either.
 */
class InputStopsE2ETest {

    private static final long STUCK_TIMEOUT_MS = 5_000;

    @RegisterExtension
    static final MiniClusterExtension FLINK = LocalMiniCluster.withSlots(2);

    @RegisterExtension
    static final KafkaBroker kafka = new KafkaBroker();

    @Test
    void stuckAlertsArriveAfterEveryProducerDied() throws Exception {
        String topic = "halted-events";
        kafka.createTopic(topic, 1);
        kafka.createTopics(2, "halted-outcomes", "halted-alerts", "halted-dead-letters");
        JobConfig config = JobConfig.DEFAULTS
                .withBootstrapServers(kafka.bootstrapServers())
                .withTopics(topic)
                .withStartingOffsets(StartingOffsets.EARLIEST)
                .withTracker(JobConfig.DEFAULTS.tracker().withStuckTimeoutMs(STUCK_TIMEOUT_MS).withAbortGraceMs(2_000))
                .withOutOfOrdernessMs(1_000)
                .withOutputTopics("halted-outcomes", "halted-alerts", "halted-dead-letters")
                .withCheckpointIntervalMs(1_000)
                .withParallelism(2)
                .withTransactionalIdPrefix("e2e-halted");
        JobClient job = TxInsightJob.start(StreamExecutionEnvironment.getExecutionEnvironment(), config);
        KafkaProducer<byte[], byte[]> survivor = TestEvents.producer(kafka.bootstrapServers(), "survivor");
        KafkaProducer<byte[], byte[]> doomed = TestEvents.producer(kafka.bootstrapServers(), "doomed");
        try (JobOutputs outputs = new JobOutputs(kafka.bootstrapServers(), "halted-outcomes", "halted-alerts")) {
            // Warm-up: a whole transaction, so the clock below is not spent on the job's start-up.
            long t = System.currentTimeMillis();
            survivor.beginTransaction();
            survivor.send(TestEvents.record(topic, TestEvents.open("warm-up", t, "payment")));
            survivor.send(TestEvents.record(topic, TestEvents.close("warm-up", t + 5, CloseStatus.SUCCESS)));
            survivor.commitTransaction();
            assertThat(outputs.pollUntil(() -> outputs.outcomes().containsKey("warm-up"), Duration.ofSeconds(60)))
                    .as("the job is up and closes a transaction")
                    .isTrue();

            // Four transactions committed, then three in a Kafka transaction that never ends.
            long now = System.currentTimeMillis();
            survivor.beginTransaction();
            for (int i = 1; i <= 4; i++) {
                String id = "committed-" + i;
                survivor.send(TestEvents.record(topic, TestEvents.open(id, now, "payment")));
                survivor.send(TestEvents.record(topic, TestEvents.stepOpen(id, now + 1, "validate")));
            }
            survivor.commitTransaction();
            doomed.beginTransaction();
            for (int i = 1; i <= 3; i++) {
                String id = "in-doomed-txn-" + i;
                doomed.send(TestEvents.record(topic, TestEvents.open(id, now + 2, "transfer")));
            }
            doomed.flush();
            long lastWrite = System.currentTimeMillis();
            // From here on nobody writes: the survivor is idle, the doomed producer is "dead".

            List<String> expected = List.of(
                    "committed-1", "committed-2", "committed-3", "committed-4",
                    "in-doomed-txn-1", "in-doomed-txn-2", "in-doomed-txn-3");
            Duration budget = Duration.ofMillis(STUCK_TIMEOUT_MS + 10_000);
            boolean all = outputs.pollUntil(
                    () -> outputs.alerts().keySet().containsAll(expected),
                    budget.minusMillis(System.currentTimeMillis() - lastWrite));
            long elapsed = System.currentTimeMillis() - lastWrite;
            System.out.printf("InputStopsE2ETest: all %d stuck alerts %d ms after the last write (timeout %d ms)%n",
                    expected.size(), elapsed, STUCK_TIMEOUT_MS);

            assertThat(all)
                    .as("stuck alerts for %s within %s of the last write; got %s after %d ms",
                            expected, budget, outputs.alerts().keySet(), elapsed)
                    .isTrue();
            assertThat(elapsed).isLessThanOrEqualTo(budget.toMillis());
            for (String id : expected) {
                Alert a = outputs.alerts().get(id).get(0);
                assertThat(a.alert()).isEqualTo(Alert.STUCK);
                assertThat(a.stuckTimeoutMs()).isEqualTo(STUCK_TIMEOUT_MS);
                assertThat(a.silentMs()).isGreaterThanOrEqualTo(STUCK_TIMEOUT_MS);
                assertThat(outputs.alerts().get(id)).as("one alert per stuck transaction").hasSize(1);
            }
            assertThat(outputs.outcomes()).as("nothing closed or aborted").containsOnlyKeys("warm-up");
        } finally {
            job.cancel().get();
            doomed.close(Duration.ZERO);
            survivor.close(Duration.ZERO);
        }
    }
}
