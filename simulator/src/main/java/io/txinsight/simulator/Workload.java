package io.txinsight.simulator;

import io.txinsight.events.EventType;
import io.txinsight.events.KafkaTxn;
import io.txinsight.events.RecordKey;
import io.txinsight.events.ScenarioRecord;
import io.txinsight.events.Truth;
import io.txinsight.simulator.model.ArrivalProcess;
import io.txinsight.simulator.model.OpenPayload;
import io.txinsight.simulator.model.PendingRecord;
import io.txinsight.simulator.model.PlannedTransaction;
import io.txinsight.simulator.model.TransactionPlanner;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;

/**
 * Runs the model: arrivals become planned business transactions, whose records are handed to a
 * sink in publish order, each inside its Kafka transaction; at the end, the truth.
 *
 * <p>It streams: a record is released as soon as no later arrival can publish before it (every
 * record of a transaction is published at or after its open), so memory holds only the records
 * in flight plus a few numbers per transaction for the truth.
 *
 * <p>Separate random streams (split from the seed) drive arrivals, transactions, hangs and
 * malformed records, so turning one knob does not reshuffle the others more than it must.
 */
public final class Workload {

    /** Receives the records in publish order. */
    @FunctionalInterface
    public interface RecordSink {
        void accept(ScenarioRecord record) throws IOException;
    }

    private final SimulationParams params;

    public Workload(SimulationParams params) {
        this.params = params.validate();
    }

    public SimulationParams params() {
        return params;
    }

    /** The Kafka producers the records' transactions name (p0, p1, …). */
    public Set<String> producers() {
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < params.producers(); i++) {
            ids.add(ProducerTimeline.producerId(i));
        }
        return ids;
    }

    /** The longest any Kafka transaction stays open: a producer's span, or a hang. */
    public long longestKafkaTransactionMs() {
        return params.hangs() > 0 ? Math.max(params.kafkaTxnMs(), params.hangMs()) : params.kafkaTxnMs();
    }

    /** How many business transactions the run is expected to start (exact with a count). */
    public long expectedTransactions() {
        return new ArrivalProcess(params, new SplittableRandom(0)).expectedCount();
    }

    /**
     * Generates every record into {@code sink} and returns the truth.
     *
     * @param progress told the number of transactions started so far, now and then; may be null
     */
    public Truth run(RecordSink sink, LongConsumer progress) throws IOException {
        SplittableRandom master = new SplittableRandom(params.seed());
        ArrivalProcess arrivals = new ArrivalProcess(params, master.split());
        TransactionPlanner planner =
                new TransactionPlanner(params, master.split(), new OpenPayload(params.accounts()));
        ProducerTimeline timeline = new ProducerTimeline(params, master.split());
        SplittableRandom malformedRng = master.split();
        Emitter emitter = new Emitter(sink, timeline, malformedRng);

        List<PlannedTransaction> transactions = new ArrayList<>();
        List<PendingRecord> scratch = new ArrayList<>(16);
        long index = 0;
        ArrivalProcess.Arrival a;
        while ((a = arrivals.next()) != null) {
            emitter.releaseUpTo(a.atMs);
            scratch.clear();
            PlannedTransaction txn = planner.plan(index++, a.atMs, a.account, a.burst, scratch);
            emitter.hold(scratch);
            arrivals.ended(txn.lastAt());
            transactions.add(txn);
            if (progress != null && (index & 1023) == 0) {
                progress.accept(index);
            }
        }
        emitter.releaseUpTo(Long.MAX_VALUE);
        if (progress != null) {
            progress.accept(index);
        }
        return TruthCollector.build(params, transactions, emitter.events, emitter.malformed);
    }

    /** Holds records until their publish time is safe to release, then assigns Kafka transactions. */
    private final class Emitter {
        private final PriorityQueue<PendingRecord> pending = new PriorityQueue<>(4096);
        private final RecordSink sink;
        private final ProducerTimeline timeline;
        private final SplittableRandom malformedRng;
        private final MalformedRecords malformedRecords;
        private final String topic = params.topic();
        private final RecordKey key = params.key();
        private final double malformedShare = params.malformedShare();
        long events;
        long malformed;

        Emitter(RecordSink sink, ProducerTimeline timeline, SplittableRandom malformedRng) {
            this.sink = sink;
            this.timeline = timeline;
            this.malformedRng = malformedRng;
            this.malformedRecords = new MalformedRecords(malformedRng, params.startEpochMs());
        }

        void hold(List<PendingRecord> records) {
            for (int i = 0; i < records.size(); i++) {
                pending.add(records.get(i));
            }
        }

        void releaseUpTo(long at) throws IOException {
            PendingRecord r;
            while ((r = pending.peek()) != null && r.at <= at) {
                pending.poll();
                KafkaTxn txn = timeline.assign(r.at, r.txn.producer);
                sink.accept(new ScenarioRecord(r.at, topic, key.of(r.event, r.txn.account), r.event, null, txn));
                events++;
                r.txn.recordWritten(txn.fate());
                if (r.event.eventType() == EventType.TRANSACTION_CLOSE) {
                    r.txn.closeWritten(txn.fate());
                }
                if (malformedShare > 0 && malformedRng.nextDouble() < malformedShare) {
                    MalformedRecords.Malformed m = malformedRecords.next(r.at);
                    KafkaTxn mt = timeline.assign(r.at, malformedRng.nextInt(params.producers()));
                    sink.accept(new ScenarioRecord(r.at, topic, m.key(), null, m.value(), mt));
                    malformed++;
                }
            }
        }
    }
}
