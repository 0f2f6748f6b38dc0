package io.txinsight.job.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.broker.EmbeddedKafkaBroker;
import io.txinsight.events.Alert;
import io.txinsight.events.CloseStatus;
import io.txinsight.events.Outcome;
import io.txinsight.job.JobConfig;
import io.txinsight.job.LocalMiniCluster;
import io.txinsight.job.TxInsightJob;
import io.txinsight.job.sources.FetchHealth;
import io.txinsight.job.sources.StartingOffsets;
import io.txinsight.job.sources.WallClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An outage is not silence (issue 15 §2). Transactions are in flight when Kafka becomes
 * unreachable for longer than the stuck timeout (until the job's readers report it unreachable); their closes, written during the outage, reach
 * the job only when it is back. The monitor clock must not run through the outage as if the input
 * were silent: no stuck alert for them. A transaction that really is silent still gets its alert,
 * with its true silence, once the input is back.
 *
 * <p>Kafka is cut off by a link that closes every connection and refuses new ones, which is what
 * every client (the job's readers and writers, this test's producer) sees of a dead broker.
 */
class BrokerOutageE2ETest {

    private static final long STUCK_TIMEOUT_MS = 6_000;
    private static final int IN_FLIGHT = 6;

    @RegisterExtension
    static final MiniClusterExtension FLINK = LocalMiniCluster.withSlots(2);

    @Test
    void transactionsInFlightDuringAnOutageAreNotStuck() throws Exception {
        int brokerPort = CuttableLink.freePort();
        String topic = "outage-events";
        try (CuttableLink link = new CuttableLink(CuttableLink.freePort(), brokerPort);
                EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(
                        brokerPort, Map.of("advertised.listeners", "PLAINTEXT://127.0.0.1:" + link.port()))) {
            String bootstrap = "127.0.0.1:" + link.port();
            kafka.createTopic(topic, 3);
            kafka.createTopics(2, "outage-outcomes", "outage-alerts", "outage-dead-letters");
            JobConfig config = JobConfig.DEFAULTS
                    .withBootstrapServers(bootstrap)
                    .withTopics(topic)
                    .withStartingOffsets(StartingOffsets.EARLIEST)
                    .withTracker(JobConfig.DEFAULTS.tracker().withStuckTimeoutMs(STUCK_TIMEOUT_MS).withAbortGraceMs(2_000))
                    .withOutOfOrdernessMs(1_000)
                    .withOutputTopics("outage-outcomes", "outage-alerts", "outage-dead-letters")
                    .withCheckpointIntervalMs(1_000)
                    .withParallelism(2)
                    .withTransactionalIdPrefix("e2e-outage");
            JobClient job = TxInsightJob.start(StreamExecutionEnvironment.getExecutionEnvironment(), config);
            KafkaProducer<byte[], byte[]> producer = TestEvents.producer(bootstrap, "outage-writer");
            try (JobOutputs outputs = new JobOutputs(bootstrap, "outage-outcomes", "outage-alerts")) {
                // Warm-up: the job is up and keeps up before the clock below starts.
                long w = System.currentTimeMillis();
                producer.beginTransaction();
                producer.send(TestEvents.record(topic, TestEvents.open("warm-up", w, "payment")));
                producer.send(TestEvents.record(topic, TestEvents.close("warm-up", w + 5, CloseStatus.SUCCESS)));
                producer.commitTransaction();
                assertThat(outputs.pollUntil(() -> outputs.outcomes().containsKey("warm-up"), Duration.ofSeconds(90)))
                        .as("the job is up and closes a transaction").isTrue();

                long t0 = System.currentTimeMillis();
                List<String> inFlight = new ArrayList<>();
                producer.beginTransaction();
                for (int i = 1; i <= IN_FLIGHT; i++) {
                    String id = "in-flight-" + i;
                    inFlight.add(id);
                    producer.send(TestEvents.record(topic, TestEvents.open(id, t0, "payment")));
                    producer.send(TestEvents.record(topic, TestEvents.stepOpen(id, t0 + 1, "settle")));
                }
                producer.send(TestEvents.record(topic, TestEvents.open("really-stuck", t0, "payment")));
                // A whole transaction after them: its outcome says the job has read up to here.
                producer.send(TestEvents.record(topic, TestEvents.open("marker", t0 + 1, "payment")));
                producer.send(TestEvents.record(topic, TestEvents.close("marker", t0 + 2, CloseStatus.SUCCESS)));
                producer.commitTransaction();
                assertThat(outputs.pollUntil(() -> outputs.outcomes().containsKey("marker"), Duration.ofSeconds(60)))
                        .as("the job is up and has read the transactions in flight").isTrue();

                // The transactions in flight take their next step, then Kafka goes away. Their closes
                // are written meanwhile, a second after the steps; the producer holds them until
                // Kafka is back.
                long lastStep = System.currentTimeMillis();
                producer.beginTransaction();
                for (String id : inFlight) {
                    producer.send(TestEvents.record(topic, TestEvents.stepDone(id, lastStep, "settle")));
                }
                producer.commitTransaction();
                link.cut();
                long cutAt = System.currentTimeMillis();
                CompletableFuture<Void> closes = CompletableFuture.runAsync(() -> {
                    producer.beginTransaction();
                    for (String id : inFlight) {
                        producer.send(TestEvents.record(topic, TestEvents.close(id, lastStep + 1_000, CloseStatus.SUCCESS)));
                    }
                    producer.commitTransaction();
                });
                // Kafka stays away until every monitor reader says so: no answer for 10 s while it
                // keeps asking, longer than the stuck timeout, so a clock that took the outage for
                // silence would already have passed every deadline of the transactions in flight.
                List<FetchHealth.Watch> readers = List.of(
                        FetchHealth.watch(FetchHealth.clientId(config.input().monitorGroupId(), 0), WallClock.SYSTEM),
                        FetchHealth.watch(FetchHealth.clientId(config.input().monitorGroupId(), 1), WallClock.SYSTEM));
                assertThat(outputs.pollUntil(() -> readers.stream().noneMatch(FetchHealth.Watch::reachable),
                        Duration.ofSeconds(60)))
                        .as("the monitor readers report Kafka unreachable").isTrue();
                assertThat(System.currentTimeMillis() - cutAt).isGreaterThan(STUCK_TIMEOUT_MS);
                link.restore();
                long restoredAt = System.currentTimeMillis();

                boolean closed = outputs.pollUntil(
                        () -> outputs.outcomes().keySet().containsAll(inFlight), Duration.ofSeconds(60));
                long flowingAfter = System.currentTimeMillis() - restoredAt;
                boolean stuckSeen = outputs.pollUntil(
                        () -> outputs.alerts().containsKey("really-stuck"), Duration.ofSeconds(60));
                closes.get();
                System.out.printf("BrokerOutageE2ETest: Kafka away %d ms; outcomes flowing %d ms after it came back;"
                        + " alerts %s%n", restoredAt - cutAt, flowingAfter, outputs.alerts().keySet());

                assertThat(closed).as("every transaction in flight closed; outcomes %s", outputs.outcomes().keySet())
                        .isTrue();
                for (String id : inFlight) {
                    assertThat(outputs.alerts()).as("a stuck alert for %s, in flight during the outage", id)
                            .doesNotContainKey(id);
                    Outcome o = outputs.outcomes().get(id).get(0);
                    assertThat(o.state()).isEqualTo(Outcome.State.CLOSED);
                    assertThat(o.wasStuck()).isFalse();
                }
                assertThat(stuckSeen).as("the transaction that really is silent is still found stuck").isTrue();
                Alert stuck = outputs.alerts().get("really-stuck").get(0);
                assertThat(stuck.silentMs()).isGreaterThanOrEqualTo(STUCK_TIMEOUT_MS);
                assertThat(outputs.alerts()).as("no other alert").containsOnlyKeys("really-stuck");
                assertThat(outputs.outcomes().get("really-stuck")).as("still open, silent").isNull();
            } finally {
                job.cancel().get();
                producer.close(Duration.ZERO);
            }
        }
    }
}
