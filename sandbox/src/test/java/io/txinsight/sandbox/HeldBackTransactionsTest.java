package io.txinsight.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.events.Alert;
import io.txinsight.events.BlockingKafkaTransaction;
import io.txinsight.events.CloseStatus;
import io.txinsight.events.Outcome;
import io.txinsight.events.RecordJson;
import io.txinsight.job.collector.KafkaTransactionsSnapshot;
import io.txinsight.job.collector.OpenKafkaTransaction;
import io.txinsight.job.collector.PartitionOffsets;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/**
 * What {@link HeldBackTransactions} makes of the job's records, and how kafka-transactions prints
 * it, without a broker: a hanging transaction the coordinator knows no transactional id for, a
 * transactional id that does not match, and more stuck alerts than it keeps ids of.
 */
class HeldBackTransactionsTest {

    private static final long GHOST = 910_001;
    private static final long PAYMENTS = 7;

    private long offset;

    private ConsumerRecord<byte[], byte[]> record(long timestamp, Object value) {
        return new ConsumerRecord<>("t", 0, offset++, timestamp, TimestampType.CREATE_TIME, 0, 0, null,
                RecordJson.toBytes(value), new RecordHeaders(), Optional.empty());
    }

    private static Alert stuck(String txnId, String transactionalId, long producerId) {
        return new Alert(Alert.STUCK, txnId, "payment", 1L, 2L, 70_000, 60_000, "authorize", 60_000, 70_001,
                new BlockingKafkaTransaction(transactionalId, producerId, List.of("txn-events-1")));
    }

    private static Outcome outcome(String txnId) {
        return new Outcome(txnId, "payment", Outcome.State.EXPIRED, null, 1L, null, null, null, false, "authorize", 1,
                true, 3_700_000);
    }

    @Test
    void aHangingTransactionWithoutTransactionalIdIsMatchedByProducerIdAndPrintedFirst() {
        Map<Long, String> producers = new HashMap<>();
        producers.put(GHOST, null);
        producers.put(PAYMENTS, "payments-7");
        HeldBackTransactions held = new HeldBackTransactions(producers);
        held.alertRecord(record(10, stuck("IN-GHOST-1", null, GHOST)));
        held.alertRecord(record(11, stuck("IN-GHOST-2", null, GHOST)));
        held.alertRecord(record(12, stuck("PAY-1", "payments-7", PAYMENTS)));
        // Same producer id, another transactional id: not this producer's.
        held.alertRecord(record(13, stuck("ELSEWHERE-1", "payments-8", PAYMENTS)));
        held.outcomeRecord(record(20, outcome("IN-GHOST-2")));

        KafkaTransactionsCommand command = new KafkaTransactionsCommand();
        command.bootstrapServers = "127.0.0.1:9092";
        command.alertsTopic = "txn-alerts";
        command.outcomesTopic = "txn-outcomes";
        command.sinceMs = 7_200_000;
        long now = 2_000_000;
        KafkaTransactionsSnapshot snapshot = new KafkaTransactionsSnapshot(now,
                List.of(new PartitionOffsets("txn-events", 0, 10, 4), new PartitionOffsets("txn-events", 1, 9, 9),
                        new PartitionOffsets("txn-events", 2, 7, 3)),
                List.of(new OpenKafkaTransaction("txn-events", 0, PAYMENTS, 3, 4, now - 1_000, "payments-7", "Ongoing",
                                now - 90_000, 60_000, List.of("txn-events-0", "txn-events-2"), OpenKafkaTransaction.Kind.LONG_OPEN),
                        new OpenKafkaTransaction("txn-events", 1, GHOST, 0, 9, now - 1_000_000, null, null, -1, -1, List.of(),
                                OpenKafkaTransaction.Kind.HANGING),
                        new OpenKafkaTransaction("txn-events", 2, PAYMENTS, 3, 3, now - 1_000, "payments-7", "Ongoing",
                                now - 90_000, 60_000, List.of("txn-events-0", "txn-events-2"), OpenKafkaTransaction.Kind.LONG_OPEN)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        command.print(snapshot, held, new PrintStream(out, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);

        assertThat(printed).contains("""
                Open Kafka transactions: 3 (1 hanging)
                  each with the business transactions its producer holds back, from txn-alerts and txn-outcomes (written within 2h):
                  hanging    txn-events-1 from offset 9, open 1000s; producer 910001 epoch 0, transactional id unknown to the coordinator
                             end it: kafka-transactions.sh --bootstrap-server 127.0.0.1:9092 abort --topic txn-events --partition 1 --start-offset 9
                             held back now: 1 business transaction(s), stuck with no outcome yet: IN-GHOST-1
                             held back before, decided since: 1 (with an outcome now): IN-GHOST-2
                  long open  txn-events-0 from offset 4, open 90s; producer 7 epoch 3, transactional id payments-7 (Ongoing, lists txn-events-0, txn-events-2)
                  long open  txn-events-2 from offset 3, open 90s; producer 7 epoch 3, transactional id payments-7 (Ongoing, lists txn-events-0, txn-events-2)
                             held back now: 1 business transaction(s), stuck with no outcome yet: PAY-1
                             held back before, decided since: none
                """);
    }

    @Test
    void pastItsBoundItCountsStuckAlertsWithoutWaitingForTheirOutcomeAndSaysSo() {
        HeldBackTransactions held = new HeldBackTransactions(Map.of(PAYMENTS, "payments-7"));
        int extra = 5;
        for (int i = 0; i < HeldBackTransactions.MAX_TRACKED + extra; i++) {
            held.alertRecord(record(10, stuck("PAY-" + i, "payments-7", PAYMENTS)));
        }
        held.outcomeRecord(record(20, outcome("PAY-0")));
        held.outcomeRecord(record(20, outcome("PAY-" + (HeldBackTransactions.MAX_TRACKED + 1)))); // not kept: unknown

        HeldBackTransactions.Holder h = held.holder(PAYMENTS);
        assertThat(h.overflowed()).isTrue();
        assertThat(h.heldNow()).isEqualTo(HeldBackTransactions.MAX_TRACKED + extra - 1);
        assertThat(h.heldNowSample()).hasSize(HeldBackTransactions.SAMPLE).startsWith("PAY-1", "PAY-2");
        assertThat(h.decided()).isEqualTo(1);
        assertThat(h.decidedSample()).containsExactly("PAY-0");
    }
}
