package io.txinsight.replayer;

import io.txinsight.events.KafkaTxn;
import io.txinsight.events.TxnFate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Keeps a scenario's time while its records are published, whether they come from a file (a
 * {@link ScenarioPass}) or from a generator running alongside ({@link LiveReplay}): waits for each
 * record's time, and ends every Kafka transaction at its recorded end.
 *
 * <p>Every wait is for an absolute target, {@code start + (at_ms - base) / speed} on the monotonic
 * clock, never for a gap after the previous record, so time spent publishing or oversleeping never
 * adds up into drift. Open transactions sit in a queue ordered by their end, so concurrent
 * transactions of different producers commit and abort interleaved as in the original.
 *
 * <p>Records come in scenario order, and a producer's next transaction never starts before its
 * previous one ends (a {@link ScenarioPlan} checks that of a file; the simulator's producers work
 * that way).
 */
final class Schedule {

    /** Sleep at most this long at a time, so a stop request is noticed even without a wake-up. */
    private static final long MAX_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    /** A Kafka transaction the replay has begun and not yet ended. */
    private record OpenTransaction(String producer, long seq, TxnFate fate, long endAtMs, long order) {}

    private final long baseMs;
    private final long hangsEndByMs;
    private final Speed speed;
    private final TopicRouting routing;
    private final Publisher publisher;
    private final ReplayClock clock;
    private final ReplayTally tally;
    private final StopSignal stop;
    private final LongConsumer progress;

    private final PriorityQueue<OpenTransaction> ends =
            new PriorityQueue<>(Comparator.comparingLong(OpenTransaction::endAtMs).thenComparingLong(OpenTransaction::order));
    private final Map<String, OpenTransaction> openByProducer = new HashMap<>();
    private final Map<String, String> routes = new HashMap<>();
    private long order;
    private long startNanos;

    /**
     * @param baseMs the scenario time the schedule starts from
     * @param hangsEndByMs a hanging transaction is aborted at its recorded end or at this scenario
     *     time, whichever comes first ({@code Long.MAX_VALUE}: at its end)
     */
    Schedule(long baseMs, long hangsEndByMs, Speed speed, TopicRouting routing, Publisher publisher, ReplayClock clock,
            ReplayTally tally, StopSignal stop, LongConsumer progress) {
        this.baseMs = baseMs;
        this.hangsEndByMs = hangsEndByMs;
        this.speed = speed;
        this.routing = routing;
        this.publisher = publisher;
        this.clock = clock;
        this.tally = tally;
        this.stop = stop;
        this.progress = progress;
    }

    /** Starts the clock: scenario time {@code baseMs} is {@code startNanos}. */
    void start(long startNanos) {
        this.startNanos = startNanos;
    }

    /** Waits for the record's time, ending the transactions due before it, and publishes it. */
    void publish(ScheduledRecord r) {
        endTransactionsBefore(r.atMs());
        KafkaTxn txn = r.txn();
        String producer = null;
        if (txn != null) {
            producer = txn.producer();
            OpenTransaction open = openByProducer.get(producer);
            if (open != null && open.seq() != txn.seq()) {
                // The producer's previous transaction ends exactly now (it never ends later).
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
        publisher.send(producer, route(r.topic()), r.key(), r.value(), scheduled);
        tally.records++;
        if (producer == null) {
            tally.plainRecords++;
        }
        progress.accept(tally.records);
    }

    /** Ends every open transaction at its time, in order (after the last record). */
    void endAll() {
        endTransactionsBefore(Long.MAX_VALUE);
    }

    /** Aborts whatever is still open, at once (after a stop or a failure). */
    void abortOpenTransactions() {
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

    /** A hang is held until its recorded end, or until {@code hangsEndByMs} if that comes first. */
    private long endAt(KafkaTxn txn) {
        return txn.fate() == TxnFate.HANG ? Math.min(txn.endMs(), hangsEndByMs) : txn.endMs();
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

    /** Waits until scenario time {@code atMs} is due; returns the target, or UNSCHEDULED at max speed. */
    private long waitUntil(long atMs) {
        if (speed.isMax()) {
            return Publisher.UNSCHEDULED;
        }
        long target = startNanos + speed.toNanos(atMs - baseMs);
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
