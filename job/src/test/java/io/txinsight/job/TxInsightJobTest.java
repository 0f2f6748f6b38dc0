package io.txinsight.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.txinsight.events.Alert;
import io.txinsight.events.BusinessEvent;
import io.txinsight.events.CloseStatus;
import io.txinsight.events.DeadLetter;
import io.txinsight.events.Outcome;
import io.txinsight.events.VelocityAlert;
import io.txinsight.events.Verdict;
import java.math.BigDecimal;
import io.txinsight.job.records.View;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole job (routers, dead letters, tracker, three outputs) on in-memory views of one
 * partition and collecting sinks, in the manner of flink-training's integration tests: the
 * TxInsightJob wiring that runs on Kafka, without Kafka. Both views are bounded, so the job ends
 * by itself once everything is decided; the tracker holds the monitor's end of time until the
 * committed view has ended, so the verdicts do not depend on which view finishes first.
 */
class TxInsightJobTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = LocalMiniCluster.withSlots(2);

    /**
     * Stuck after 10 s; the wall clock never moves the monitor clock here (the events are from
     * 1970), so only the events do.
     */
    private static final JobConfig CONFIG = JobConfig.DEFAULTS
            .withTracker(JobConfig.DEFAULTS.tracker().withStuckTimeoutMs(10_000).withRetentionMs(100_000))
            .withIdleAdvanceAfterMs(3_600_000)
            .withCheckpointIntervalMs(0)
            .withParallelism(2);

    @Test
    void everyTransactionGetsItsVerdictAndEveryBadRecordItsDeadLetter() throws Exception {
        InMemoryPartition events = new InMemoryPartition()
                .committed(BusinessEvent.open("paid", 1_000, "payment", Map.of()))
                .aborted(BusinessEvent.open("rolled-back", 1_100, "payment", Map.of()))
                .committed(BusinessEvent.open("silent", 1_200, "transfer", Map.of()))
                .committedRaw("garbage", "{not json")
                .committed(BusinessEvent.open("declined", 1_300, "payment", Map.of()))
                .committed(BusinessEvent.stepOpen("paid", 1_400, "authorize"))
                .committed(BusinessEvent.stepDone("paid", 1_450, "authorize"))
                .committed(BusinessEvent.close("paid", 1_500, CloseStatus.SUCCESS))
                .aborted(BusinessEvent.close("rolled-back", 1_600, CloseStatus.SUCCESS))
                .committed(BusinessEvent.close("declined", 1_700, CloseStatus.FAILED))
                .committedRaw("no-id", "{\"event_type\":\"transaction_open\",\"ts\":1800}")
                // Later committed records: the committed view has passed the rolled-back close
                // (the evidence an abort needs), and the monitor clock passes the silent one's
                // stuck deadline.
                .committed(BusinessEvent.open("later", 30_000, "payment", Map.of()))
                .committed(BusinessEvent.close("later", 30_100, CloseStatus.SUCCESS));
        CollectingSink<Outcome> outcomes = new CollectingSink<>();
        CollectingSink<Alert> alerts = new CollectingSink<>();
        CollectingSink<VelocityAlert> velocity = new CollectingSink<>();
        CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        TxInsightJob.configure(env, CONFIG);
        new TxInsightJob(events.view(View.MONITOR), events.view(View.COMMITTED), outcomes, alerts, velocity,
                deadLetters, CONFIG).build(env);
        env.execute("in-memory txinsight");

        assertThat(outcomes.received().stream().collect(Collectors.toMap(Outcome::txnId, Outcome::verdict)))
                .as("one outcome per transaction, with its verdict")
                .containsOnly(
                        Map.entry("paid", Verdict.CLOSED_SUCCESS),
                        Map.entry("declined", Verdict.CLOSED_FAILED),
                        Map.entry("rolled-back", Verdict.ABORTED),
                        Map.entry("silent", Verdict.STUCK),
                        Map.entry("later", Verdict.CLOSED_SUCCESS));
        assertThat(outcomes.received()).hasSize(5);
        Outcome paid = outcomes.received().stream().filter(o -> o.txnId().equals("paid")).findFirst().orElseThrow();
        assertThat(paid.durationMs()).isEqualTo(500L);
        assertThat(paid.steps()).isEqualTo(1);
        assertThat(paid.wasStuck()).isFalse();

        assertThat(alerts.received()).singleElement().satisfies(a -> {
            assertThat(a.txnId()).isEqualTo("silent");
            assertThat(a.txnType()).isEqualTo("transfer");
            assertThat(a.lastEventAtMs()).isEqualTo(1_200);
            assertThat(a.stuckTimeoutMs()).isEqualTo(10_000);
        });

        // Both views read the bad records; only the monitor view writes them, each once.
        assertThat(deadLetters.received())
                .extracting(DeadLetter::key, DeadLetter::offset, DeadLetter::view, DeadLetter::topic)
                .containsExactlyInAnyOrder(
                        tuple("garbage", 3L, "monitor", InMemoryPartition.TOPIC),
                        tuple("no-id", 10L, "monitor", InMemoryPartition.TOPIC));
        assertThat(deadLetters.received()).allSatisfy(d -> assertThat(d.reason()).isNotBlank());
        assertThat(velocity.received()).as("no account opened more than 5 transactions in 3 s").isEmpty();
    }

    @Test
    void aVelocityBurstIsOneAlertWhateverBecomesOfItsTransactions() throws Exception {
        InMemoryPartition events = new InMemoryPartition();
        for (int i = 0; i < 6; i++) {
            String txn = "fast-" + i;
            var open = BusinessEvent.open(txn, 1_000 + i * 100, "payment",
                    Map.of("account", "acc-7", "amount", new BigDecimal("20.00")));
            if (i == 2) {
                events.aborted(open); // a rolled-back attempt is an attempt all the same
            } else {
                events.committed(open).committed(BusinessEvent.close(txn, 1_050 + i * 100, CloseStatus.SUCCESS));
            }
        }
        events.committed(BusinessEvent.open("another-account", 2_000, "payment", Map.of("account", "acc-8")))
                .committed(BusinessEvent.open("later", 30_000, "payment", Map.of()))
                .committed(BusinessEvent.close("later", 30_100, CloseStatus.SUCCESS));
        CollectingSink<VelocityAlert> velocity = new CollectingSink<>();

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        TxInsightJob.configure(env, CONFIG);
        new TxInsightJob(events.view(View.MONITOR), events.view(View.COMMITTED), new CollectingSink<>(),
                new CollectingSink<>(), velocity, new CollectingSink<>(), CONFIG).build(env);
        env.execute("in-memory txinsight, velocity");

        assertThat(velocity.received()).singleElement().satisfies(a -> {
            assertThat(a.account()).isEqualTo("acc-7");
            assertThat(a.count()).isEqualTo(6);
            assertThat(a.amount()).isEqualByComparingTo("120.00");
            assertThat(a.firstAtMs()).isEqualTo(1_000);
            assertThat(a.lastAtMs()).isEqualTo(1_500);
            assertThat(a.txnIds()).hasSize(6);
        });
    }
}
