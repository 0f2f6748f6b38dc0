package io.txinsight.job.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.events.KafkaTransactionHanging;
import io.txinsight.job.tracker.HeldBack;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class BlockedTransactionsTest {

    private static KafkaTransactionHanging hanging(long producerId) {
        return new KafkaTransactionHanging(KafkaTransactionHanging.KAFKA_TRANSACTION_HANGING, "ledger-7", producerId, 3,
                List.of(new KafkaTransactionHanging.HeldPartition("payments", 1, 40)), 900_000, 1_000, 12, null,
                List.of(), List.of("kafka-transactions.sh abort ..."), 901_000);
    }

    @Test
    void aHangingRecordSaysHowManyBusinessTransactionsItBlocksAndWhich() throws Exception {
        try (KeyedTwoInputStreamOperatorTestHarness<Long, KafkaTransactionHanging, HeldBack, KafkaTransactionHanging> h =
                new KeyedTwoInputStreamOperatorTestHarness<>(new KeyedCoProcessOperator<>(new BlockedTransactions()),
                        KafkaTransactionHanging::producerId, held -> held.producerId, Types.LONG)) {
            h.open();
            for (int i = 0; i < 25; i++) {
                h.processElement2(new StreamRecord<>(new HeldBack(7, "t" + i, true)));
            }
            h.processElement2(new StreamRecord<>(new HeldBack(7, "t3", false))); // decided meanwhile
            h.processElement2(new StreamRecord<>(new HeldBack(8, "other", true))); // another producer's
            h.processElement1(new StreamRecord<>(hanging(7)));
            h.processElement1(new StreamRecord<>(hanging(9)));

            List<KafkaTransactionHanging> out = h.extractOutputValues();
            assertThat(out).hasSize(2);
            KafkaTransactionHanging seven = out.get(0);
            assertThat(seven.blockedTxnCount()).isEqualTo(24);
            assertThat(seven.blockedTxnIds()).hasSize(19).doesNotContain("t3", "other").contains("t0", "t19");
            assertThat(seven.abortCommands()).isEqualTo(hanging(7).abortCommands());
            assertThat(out.get(1).blockedTxnCount()).as("known to block none").isZero();
            assertThat(out.get(1).blockedTxnIds()).isEmpty();

            for (int i = 0; i < 25; i++) {
                h.processElement2(new StreamRecord<>(new HeldBack(7, "t" + i, false)));
            }
            h.processElement2(new StreamRecord<>(new HeldBack(8, "other", false)));
            assertThat(h.numKeyedStateEntries()).as("nothing left once every one is decided").isZero();
        }
    }
}
