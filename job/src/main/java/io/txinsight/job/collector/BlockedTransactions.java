package io.txinsight.job.collector;

import io.txinsight.events.KafkaTransactionHanging;
import io.txinsight.job.tracker.HeldBack;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Says, in each record of a hanging Kafka transaction, how many business transactions it blocks
 * and which: the collector knows the transaction, the tracker subtasks know whom it holds back
 * ({@link HeldBack}, found by the rollback probe past the abort grace). Keyed by producer id, both.
 *
 * <p>Counts the transactions named as held back by that producer and not yet decided; keeps a
 * sample of {@value #SAMPLE} ids. The count is exact, the sample is some of them (one released
 * leaves a gap that later ones fill). A hanging transaction is reported once the producer has been
 * silent for the brokers' transaction.max.timeout.ms (15 min by default), long after the tracker
 * has named it for every business transaction it holds (past the abort grace, seconds).
 */
public final class BlockedTransactions
        extends KeyedCoProcessFunction<Long, KafkaTransactionHanging, HeldBack, KafkaTransactionHanging> {
    private static final long serialVersionUID = 1L;

    public static final String UID = "kafka-transactions-blocked";
    /** At most this many ids in a record, as {@code blocked_txn_ids} promises. */
    static final int SAMPLE = 20;

    /** Business transactions one producer's Kafka transaction holds back. A Flink POJO. */
    public static class Blocked {
        public int count;
        public List<String> sample = new ArrayList<>();

        public Blocked() {}
    }

    private transient ValueState<Blocked> blocked;

    /** The hanging records of {@code hanging}, with what the tracker found each one blocks. */
    public static SingleOutputStreamOperator<KafkaTransactionHanging> count(
            DataStream<KafkaTransactionHanging> hanging, DataStream<HeldBack> heldBack) {
        return hanging.keyBy(KafkaTransactionHanging::producerId)
                .connect(heldBack.keyBy(h -> h.producerId))
                .process(new BlockedTransactions())
                .uid(UID)
                .name("Kafka transactions: business transactions they block");
    }

    @Override
    public void open(OpenContext openContext) {
        blocked = getRuntimeContext().getState(
                new ValueStateDescriptor<>("blocked", TypeInformation.of(Blocked.class)));
    }

    @Override
    public void processElement1(KafkaTransactionHanging hanging, Context ctx, Collector<KafkaTransactionHanging> out)
            throws Exception {
        Blocked b = blocked.value();
        out.collect(b == null ? hanging.withBlocked(0, List.of()) : hanging.withBlocked(b.count, b.sample));
    }

    @Override
    public void processElement2(HeldBack h, Context ctx, Collector<KafkaTransactionHanging> out) throws Exception {
        Blocked b = blocked.value();
        if (h.held) {
            if (b == null) {
                b = new Blocked();
            }
            b.count++;
            if (b.sample.size() < SAMPLE && !b.sample.contains(h.txnId)) {
                b.sample.add(h.txnId);
            }
            blocked.update(b);
        } else if (b != null) {
            b.count--;
            b.sample.remove(h.txnId);
            if (b.count <= 0) {
                blocked.clear();
            } else {
                blocked.update(b);
            }
        }
    }
}
