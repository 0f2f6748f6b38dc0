package io.txinsight.replayer;

import io.txinsight.events.KafkaTxn;
import io.txinsight.events.ScenarioCodec;
import io.txinsight.events.ScenarioFormatException;
import io.txinsight.events.TxnFate;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * One pass over the replayed range: streams the file a record at a time, waits for each record's
 * time, and ends every Kafka transaction at its recorded end.
 *
 * <p>Every wait is for an absolute target, {@code start + (at_ms - base) / speed} on the monotonic
 * clock, never for a gap after the previous record, so time spent publishing or oversleeping never
 * adds up into drift. Open transactions sit in a queue ordered by their end, so concurrent
 * transactions of different producers commit and abort interleaved as in the original.
 */
final class ScenarioPass {

    /** Sleep at most this long at a time, so a stop request is noticed even without a wake-up. */
    private static final long MAX_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    /** A Kafka transaction the replay has begun and not yet ended. */
    private record OpenTransaction(String producer, long seq, TxnFate fate, long endAtMs, long order) {}

    private final ScenarioPlan plan;
    private final ScenarioCodec codec;
    private final Speed speed;
    private final TopicRouting routing;
    private final Publisher publisher;
    private final ReplayClock clock;
    private final ReplayTally tally;
    private final StopSignal stop;
    private final LongConsumer progress;
    private final boolean rebase;

    private final PriorityQueue<OpenTransaction> ends =
            new PriorityQueue<>(Comparator.comparingLong(OpenTransaction::endAtMs).thenComparingLong(OpenTransaction::order));
    private final Map<String, OpenTransaction> openByProducer = new HashMap<>();
    private final Map<String, String> routes = new HashMap<>();
    private long order;
    private long startNanos;
    private long startEpochMs;
    private long shiftMs;

    ScenarioPass(ScenarioPlan plan, ScenarioCodec codec, Speed speed, TopicRouting routing, Publisher publisher,
            ReplayClock clock, ReplayTally tally, StopSignal stop, LongConsumer progress, boolean rebase) {
        this.plan = plan;
        this.codec = codec;
        this.speed = speed;
        this.routing = routing;
        this.publisher = publisher;
        this.clock = clock;
        this.tally = tally;
        this.stop = stop;
        this.progress = progress;
        this.rebase = rebase;
    }

    /** Wall-clock time of this pass's schedule start (scenario time {@code plan.baseMs()}). */
    long startEpochMs() {
        return startEpochMs;
    }

    /** How much this pass moves event timestamps (0 without --rebase-time). */
    long shiftMs() {
        return shiftMs;
    }

    /**
     * Runs the pass. Returns true when it reached the end of the range, false when stopped.
     * Whatever happens, no transaction is left open.
     */
    boolean run() throws IOException, ScenarioFormatException {
        startNanos = clock.nanoTime();
        startEpochMs = clock.epochMillis();
        if (rebase && plan.scenarioStartEpochMs() != ScenarioPlan.NO_EVENTS) {
            shiftMs = startEpochMs - (plan.scenarioStartEpochMs() + plan.baseMs());
        }
        boolean completed = false;
        try (RecordSource records = plan.sliceable() && shiftMs == 0
                ? new RecordSource.Slicing(plan.file())
                : new RecordSource.Decoding(plan.file(), codec)) {
            long position = 0;
            while (records.next() && !stop.requested()) {
                long pos = position++;
                if (pos < plan.from()) {
                    continue;
                }
                if (pos >= plan.to()) {
                    break;
                }
                publish(records);
            }
            endTransactionsBefore(Long.MAX_VALUE);
            completed = !stop.requested();
        } finally {
            abortOpenTransactions();
        }
        return completed;
    }

    private void publish(RecordSource r) {
        endTransactionsBefore(r.atMs());
        KafkaTxn txn = r.txn();
        String producer = null;
        if (txn != null) {
            producer = txn.producer();
            OpenTransaction open = openByProducer.get(producer);
            if (open != null && open.seq() != txn.seq()) {
                // The producer's previous transaction ends exactly now (the plan checked it is not later).
                waitUntil(open.endAtMs());
                if (stop.requested()) {
                    return;
                }
                ends.remove(open);
                end(open);
                open = null;
            }
            if (open == null) {
                publisher.beginTransaction(producer);
                open = new OpenTransaction(producer, txn.seq(), txn.fate(), endAt(txn), order++);
                openByProducer.put(producer, open);
                ends.add(open);
            }
        }
        long scheduled = waitUntil(r.atMs());
        if (stop.requested()) {
            return;
        }
        publisher.send(producer, route(r.topic()), r.key(), r.value(shiftMs), scheduled);
        tally.records++;
        if (producer == null) {
            tally.plainRecords++;
        }
        progress.accept(tally.records);
    }

    /** A hang is held until its recorded end, or until the end of the replay if that comes first. */
    private long endAt(KafkaTxn txn) {
        return txn.fate() == TxnFate.HANG ? Math.min(txn.endMs(), plan.endMs()) : txn.endMs();
    }

    /**
     * Ends, in order, every open transaction whose end is before {@code atMs}. Strictly before: a
     * transaction ending at the same millisecond as this record may still carry it.
     */
    private void endTransactionsBefore(long atMs) {
        while (!ends.isEmpty() && ends.peek().endAtMs() < atMs) {
            waitUntil(ends.peek().endAtMs());
            if (stop.requested()) {
                return;
            }
            end(ends.poll());
        }
    }

    private void end(OpenTransaction t) {
        openByProducer.remove(t.producer());
        switch (t.fate()) {
            case COMMIT -> {
                publisher.commitTransaction(t.producer());
                tally.committed++;
            }
            case ABORT -> {
                publisher.abortTransaction(t.producer());
                tally.aborted++;
            }
            case HANG -> {
                publisher.abortTransaction(t.producer());
                tally.hung++;
            }
        }
    }

    private void abortOpenTransactions() {
        List<OpenTransaction> left = new ArrayList<>(openByProducer.values());
        openByProducer.clear();
        ends.clear();
        for (OpenTransaction t : left) {
            try {
                publisher.abortTransaction(t.producer());
                tally.abortedOnStop++;
            } catch (RuntimeException publisherFailed) {
                // The publisher already failed; closing it aborts what is still open.
            }
        }
    }

    /** Waits until scenario time {@code atMs} is due; returns the target, or UNSCHEDULED at max speed. */
    private long waitUntil(long atMs) {
        if (speed.isMax()) {
            return Publisher.UNSCHEDULED;
        }
        long target = startNanos + speed.toNanos(atMs - plan.baseMs());
        boolean handedOff = false;
        for (;;) {
            long now = clock.nanoTime();
            long left = target - now;
            if (left <= 0 || stop.requested()) {
                return target;
            }
            if (!handedOff) {
                publisher.handOff();
                handedOff = true;
                continue; // handing off took time; look at the clock again
            }
            try {
                clock.sleepUntil(now + Math.min(left, MAX_SLEEP_NANOS));
            } catch (InterruptedException e) {
                stop.interrupted();
                return target;
            }
        }
    }

    private String route(String topic) {
        return routes.computeIfAbsent(topic, routing::route);
    }
}
