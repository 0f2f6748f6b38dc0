package io.txinsight.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.events.Alert;
import io.txinsight.events.BlockingKafkaTransaction;
import io.txinsight.events.CloseStatus;
import io.txinsight.events.Outcome;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The ledger's sinks ({@link LedgerWriter} on the JDBC connector's connection provider) on our
 * Flink, in a MiniCluster, against a real PostgreSQL.
 */
class LedgerSinksTest {
    private static final long T0 = 1_795_284_554_123L;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static ThrowawayPostgres postgres;

    @BeforeAll
    static void start() {
        postgres = ThrowawayPostgres.start();
        LedgerSchema.migrate(postgres.connection());
    }

    @AfterAll
    static void stop() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void outcomesOpensAndAlertsWrittenTwiceLandExactlyOnce() throws Exception {
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            outcomes.add(closed("PAY-" + i, T0 + i));
        }
        // The same id in a second life (after an abort it starts anew), and one whose open was never seen.
        outcomes.add(new Outcome("PAY-0", "payment", Outcome.State.ABORTED, null, T0 + 5_000, null, null,
                null, false, "validate", 1, true, T0 + 9_000,
                new BlockingKafkaTransaction("payments-svc-1", 4711, List.of("txn-events-0", "txn-events-2"))));
        outcomes.add(new Outcome("ORPHAN-1", null, Outcome.State.EXPIRED, null, null, null, null,
                null, false, null, 0, false, T0 + 9_000));
        List<Alert> alerts = List.of(new Alert(Alert.STUCK, "PAY-0", "payment", T0 + 5_000, T0 + 5_100,
                60_100, 60_000, "validate", 60_000, T0 + 65_100,
                new BlockingKafkaTransaction(null, 4712, List.of("txn-events-1"))));

        // The opens' halves of the rows, written by their own sink in the same job: in no order
        // relative to the outcomes. One open has no outcome yet (in flight).
        List<TransactionOpen> opens = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            opens.add(new TransactionOpen("PAY-" + i, T0 + i, "payment", "ACC-" + (i % 4), new BigDecimal(i + ".05"),
                    "EUR", "shop", "food"));
        }
        opens.add(new TransactionOpen("PAY-IN-FLIGHT", T0, "payment", "ACC-0", null, null, null, null));

        // A replay: every record twice within one run (at-least-once redelivery), then a second run
        // of the whole stream (a restart from an older checkpoint).
        for (int run = 0; run < 2; run++) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            List<Outcome> twice = new ArrayList<>(outcomes);
            twice.addAll(outcomes);
            env.fromData(twice).sinkTo(LedgerSinks.outcomes(postgres.connection()));
            env.fromData(opens).union(env.fromData(opens)).sinkTo(LedgerSinks.opens(postgres.connection()));
            env.fromData(alerts).union(env.fromData(alerts)).sinkTo(LedgerSinks.alerts(postgres.connection()));
            env.execute("ledger sink, run " + run);
        }

        assertThat(count("SELECT count(*) FROM transactions")).isEqualTo(43);
        assertThat(count("SELECT count(DISTINCT (txn_id, life)) FROM transactions")).isEqualTo(43);
        assertThat(count("SELECT count(*) FROM transactions WHERE state = 'closed' AND account IS NOT NULL"
                + " AND amount = (substring(txn_id from 5)::int + 0.05) AND steps = 3")).as("both halves").isEqualTo(40);
        assertThat(count("SELECT count(*) FROM transactions WHERE txn_id = 'PAY-IN-FLIGHT' AND state IS NULL"
                + " AND decided_at IS NULL AND opened_at IS NOT NULL")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM transactions WHERE txn_id = 'PAY-0'")).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM transactions WHERE txn_id = 'PAY-0' AND state = 'aborted'"
                + " AND blocking_transactional_id = 'payments-svc-1' AND blocking_producer_id = 4711"
                + " AND blocking_partitions = ARRAY['txn-events-0', 'txn-events-2']")).as("what held it back").isEqualTo(1);
        assertThat(count("SELECT count(*) FROM transactions WHERE txn_id = 'ORPHAN-1' AND life = -1"
                + " AND opened_at IS NULL AND state = 'expired'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM transactions WHERE txn_id = 'PAY-7' AND state = 'closed'"
                + " AND result = 'success' AND duration_ms = 250 AND opened_at = to_timestamp(" + (T0 + 7) + " / 1000.0)"))
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM alerts")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM alerts WHERE blocking_transactional_id IS NULL"
                + " AND blocking_producer_id = 4712 AND blocking_partitions = ARRAY['txn-events-1']"))
                .as("what held the stuck transaction's records (a hanging one: no transactional id)").isEqualTo(1);
    }

    /**
     * The writer alone, on the task's side: while the database is down a checkpoint's flush does
     * not fail, the rows are in the checkpointed state and a restored writer has them back; at its
     * bound it holds the input (write blocks) until the database returns, then writes them all.
     */
    @Test
    void whileTheDatabaseIsDownTheWriterKeepsItsRowsInItsStateAndHoldsTheInputAtItsBound() throws Exception {
        LedgerTable<Outcome> table = new LedgerTable<>("outcomes", OutcomeUpsert.SQL, new OutcomeUpsert(), Outcome.class);
        postgres.stopServer();
        boolean down = true;
        try {
            LedgerWriter<Outcome> writer = writer(table, List.of());
            writer.write(closed("DOWN-1", T0), null);
            writer.write(closed("DOWN-2", T0), null);
            writer.flush(false);
            List<Outcome> state = writer.snapshotState(1);
            assertThat(state).extracting(Outcome::txnId).containsExactly("DOWN-1", "DOWN-2");
            PendingRowSerializer<Outcome> serializer = new PendingRowSerializer<>(Outcome.class);
            List<Outcome> restoredState = new ArrayList<>();
            for (Outcome o : state) {
                restoredState.add(serializer.deserialize(serializer.getVersion(), serializer.serialize(o)));
            }
            writer.close();

            LedgerWriter<Outcome> restored = writer(table, restoredState);
            Thread input = new Thread(() -> {
                try {
                    restored.write(closed("DOWN-3", T0), null);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "ledger-input");
            input.start();
            // Three pending rows is this writer's bound: the write waits for the database.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> input.getState() == Thread.State.TIMED_WAITING);
            assertThat(input.isAlive()).isTrue();

            postgres.restartServer();
            down = false;
            input.join(30_000);
            assertThat(input.isAlive()).as("the write returned once the database was back").isFalse();
            assertThat(restored.snapshotState(2)).isEmpty();
            assertThat(count("SELECT count(*) FROM transactions WHERE txn_id LIKE 'DOWN-%'")).isEqualTo(3);
            restored.close();
        } finally {
            if (down) {
                postgres.restartServer();
            }
        }
    }

    private static LedgerWriter<Outcome> writer(LedgerTable<Outcome> table, List<Outcome> restored) {
        return new LedgerWriter<>(table, "the test's PostgreSQL",
                new org.apache.flink.connector.jdbc.datasource.connections.SimpleJdbcConnectionProvider(
                        LedgerSink.connectionOptions(postgres.connection())),
                new WallClockTime(), new org.apache.flink.metrics.groups.UnregisteredMetricsGroup(), 3, restored);
    }

    /** Processing time as the wall clock; the writer's batch timer never fires here. */
    private static final class WallClockTime implements org.apache.flink.api.common.operators.ProcessingTimeService {
        @Override
        public long getCurrentProcessingTime() {
            return System.currentTimeMillis();
        }

        @Override
        public java.util.concurrent.ScheduledFuture<?> registerTimer(long time, ProcessingTimeCallback callback) {
            return null;
        }
    }

    private static Outcome closed(String id, long openedAt) {
        return new Outcome(id, "payment", Outcome.State.CLOSED, CloseStatus.SUCCESS, openedAt, openedAt + 250, 250L,
                12L, false, "settle", 3, false, openedAt + 1_000);
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = postgres.connection().dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
