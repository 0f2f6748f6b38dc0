package io.txinsight.replayer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidTxnTimeoutException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TransactionAbortedException;

/**
 * One Kafka producer and the thread that drives it, for one scenario producer (or for the records
 * written without a transaction).
 *
 * <p>Why a thread per producer: {@code commitTransaction} blocks for a round trip to the
 * transaction coordinator. Done inline, every commit would stall every other producer's records
 * and the schedule would slip at a few hundred transactions per second. With a lane each, a commit
 * only delays the records of its own producer, exactly as in the original system.
 *
 * <p>Commands reach the lane in batches: the scheduler collects them and hands a batch over when it
 * is full, at a transaction end, or before the schedule waits (see {@link #handOff()}). One
 * hand-over per record would cost a thread wake-up per record.
 *
 * <p>When the lane has nothing queued or running, the scheduler runs a record's {@code send} (and a
 * {@code beginTransaction}) itself: neither blocks, and skipping the hand-over saves the lane
 * thread's wake-up. Everything that blocks (commit, abort, flush) and everything behind it still
 * goes through the lane, in order.
 */
final class ProducerLane {

    private static final int BATCH = 256;
    /**
     * How many commands may be handed over and not yet done before the scheduler waits: the
     * back-pressure of a {@code --speed max} replay. Counted in commands, not batches: in a paced
     * replay a slow commit holds up many tiny batches, and a limit on batches stalled the
     * scheduler, and with it every other producer, for the length of the commit.
     */
    private static final int MAX_OUTSTANDING = 16_384;
    /** Acknowledgements tracked per lane; a larger backlog only makes {@link #ackedThrough} conservative. */
    private static final int ACK_RING = 1 << 16;
    private static final long BARRIER_TIMEOUT_NANOS = TimeUnit.MINUTES.toNanos(2);

    private enum Kind { BEGIN, SEND, COMMIT, ABORT, SYNC, STOP }

    private record Command(
            Kind kind,
            ProducerRecord<byte[], byte[]> record,
            long seq,
            long scheduledNanos,
            ProducerLane waitFor,
            long waitForSeq,
            CountDownLatch done) {}

    final int index;
    final String producerName;
    final String description;
    private final Properties props;
    private final boolean transactional;
    private final List<String> topics;
    private final ReplayClock clock;
    private final ScheduleLag lag;
    private final ScheduleLag acknowledged;
    private final AtomicReference<Throwable> failure;
    private final BlockingQueue<List<Command>> queue = new LinkedBlockingQueue<>();
    /** Commands not yet handed to the lane; used by the scheduler thread only. */
    private List<Command> pending = new ArrayList<>(BATCH);
    private final CountDownLatch ready = new CountDownLatch(1);
    private final Thread thread;
    /** Slot {@code seq % ACK_RING} holds {@code seq} once Kafka acknowledged that record. */
    private final AtomicLongArray acked = new AtomicLongArray(ACK_RING);
    /** Every record up to here is acknowledged (advanced lazily by {@link #ackedThrough}). */
    private long ackedLowWater;
    /** The last record sequence number this lane has handed to Kafka (or skipped after a failure). */
    private volatile long handedThrough;
    /** Next record sequence number; used by the scheduler thread only. */
    long dispatched;

    private volatile KafkaProducer<byte[], byte[]> producer;
    /** Set by whichever thread runs begin/commit/abort; read by close() after the lane stopped. */
    private volatile boolean inTransaction;
    /** Commands handed to the lane; scheduler thread only. */
    private long commandsHandedOff;
    /** Commands the lane has finished. */
    private volatile long commandsDone;

    ProducerLane(int index, String producerName, String description, Properties props, boolean transactional,
            List<String> topics, ReplayClock clock, ScheduleLag lag, ScheduleLag acknowledged,
            AtomicReference<Throwable> failure) {
        this.index = index;
        this.producerName = producerName;
        this.description = description;
        this.props = props;
        this.transactional = transactional;
        this.topics = topics;
        this.clock = clock;
        this.lag = lag;
        this.acknowledged = acknowledged;
        this.failure = failure;
        this.thread = new Thread(this::run, "replay-" + description);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Waits until the producer is created, its transactions initialised and its metadata fetched. */
    boolean awaitReady(long timeout, TimeUnit unit) throws InterruptedException {
        return ready.await(timeout, unit);
    }

    void begin() {
        add(new Command(Kind.BEGIN, null, 0, 0, null, 0, null), false);
    }

    void commit() {
        add(new Command(Kind.COMMIT, null, 0, 0, null, 0, null), true);
    }

    void abort() {
        add(new Command(Kind.ABORT, null, 0, 0, null, 0, null), true);
    }

    /** Queues a record; if {@code waitFor} is set, it is sent only once that lane's record {@code waitForSeq} is written. */
    void send(ProducerRecord<byte[], byte[]> record, long seq, long scheduledNanos, ProducerLane waitFor, long waitForSeq) {
        if (waitFor != null) {
            // The record waited for may still sit in the scheduler's batch for that lane: hand it
            // over, or this lane would wait for something the scheduler has not released.
            waitFor.handOff();
        }
        add(new Command(Kind.SEND, record, seq, scheduledNanos, waitFor, waitForSeq, null), false);
    }

    /** Queues a marker; the latch opens once everything before it is written. */
    CountDownLatch sync() {
        CountDownLatch done = new CountDownLatch(1);
        add(new Command(Kind.SYNC, null, 0, 0, null, 0, done), true);
        return done;
    }

    private void add(Command c, boolean now) {
        if (runsInline(c)) {
            process(c);
            return;
        }
        pending.add(c);
        if (now || pending.size() >= BATCH) {
            handOff();
        }
    }

    /**
     * Whether the scheduler may run {@code c} itself: it does not block, and the lane thread is idle
     * with nothing waiting, so no earlier command can be overtaken and the producer is not in use.
     * The lane counts a batch done only after its last command, and only the scheduler hands
     * batches over, so {@code commandsDone == commandsHandedOff} means the lane is parked in take().
     */
    private boolean runsInline(Command c) {
        boolean nonBlocking = c.kind == Kind.BEGIN || (c.kind == Kind.SEND && c.waitFor == null);
        return nonBlocking && pending.isEmpty() && commandsDone == commandsHandedOff && ready.getCount() == 0;
    }

    /** Hands the collected commands to the lane's thread. Scheduler thread only. */
    void handOff() {
        if (pending.isEmpty()) {
            return;
        }
        while (commandsHandedOff - commandsDone > MAX_OUTSTANDING && failure.get() == null && thread.isAlive()) {
            LockSupport.parkNanos(100_000);
        }
        List<Command> batch = pending;
        pending = new ArrayList<>(BATCH);
        commandsHandedOff += batch.size();
        put(batch);
    }

    /**
     * The highest sequence number up to which every record of this lane is acknowledged by Kafka
     * (a lower bound: never claims a record that is not).
     */
    synchronized long ackedThrough() {
        long next = ackedLowWater + 1;
        while (acked.get((int) (next % ACK_RING)) == next) {
            next++;
        }
        ackedLowWater = next - 1;
        return ackedLowWater;
    }

    /**
     * Blocks until this lane's record {@code seq} is written to Kafka. Called from another lane's
     * thread when the same key moves from this producer to that one, so the key's order on the
     * partition stays the scenario's order.
     */
    void awaitWritten(long seq) {
        long deadline = System.nanoTime() + BARRIER_TIMEOUT_NANOS;
        while (handedThrough < seq) {
            if (failure.get() != null) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new ReplayFailedException(description + " did not hand record " + seq + " to Kafka within 2 minutes");
            }
            LockSupport.parkNanos(20_000);
        }
        if (ackedThrough() < seq) {
            producer.flush();
        }
    }

    private void put(List<Command> batch) {
        try {
            queue.put(batch);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReplayFailedException("interrupted while queueing a record for " + description, e);
        }
    }

    private void run() {
        try {
            producer = new KafkaProducer<>(props);
            if (transactional) {
                producer.initTransactions();
            }
            for (String topic : topics) {
                // Fetch metadata before the clock starts, not on the first (scheduled) send.
                producer.partitionsFor(topic);
            }
        } catch (RuntimeException e) {
            fail(explainStart(e));
        } finally {
            ready.countDown();
        }
        for (;;) {
            List<Command> batch;
            try {
                batch = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            for (Command c : batch) {
                if (c.kind == Kind.STOP) {
                    return;
                }
                process(c);
            }
            commandsDone += batch.size(); // only this thread writes it
        }
    }

    private void process(Command c) {
        if (failure.get() != null) {
            // Keep draining so the scheduler never blocks on a full queue after a failure.
            if (c.kind == Kind.SEND) {
                handedThrough = c.seq;
            } else if (c.kind == Kind.SYNC) {
                c.done.countDown();
            }
            return;
        }
        try {
            execute(c);
        } catch (RuntimeException e) {
            fail(new ReplayFailedException(description + ": " + e.getMessage(), e));
            if (c.kind == Kind.SYNC) {
                c.done.countDown();
            }
        } finally {
            if (c.kind == Kind.SEND) {
                handedThrough = c.seq;
            }
        }
    }

    private void execute(Command c) {
        switch (c.kind) {
            case BEGIN -> {
                producer.beginTransaction();
                inTransaction = true;
            }
            case SEND -> {
                if (c.waitFor != null) {
                    c.waitFor.awaitWritten(c.waitForSeq);
                }
                if (c.scheduledNanos != Publisher.UNSCHEDULED) {
                    lag.record(clock.nanoTime() - c.scheduledNanos);
                }
                long seq = c.seq;
                long scheduled = c.scheduledNanos;
                String topic = c.record.topic();
                producer.send(c.record, (metadata, e) -> {
                    acked.lazySet((int) (seq % ACK_RING), seq);
                    if (e == null && scheduled != Publisher.UNSCHEDULED) {
                        acknowledged.record(clock.nanoTime() - scheduled);
                    }
                    if (e != null && !(e instanceof TransactionAbortedException)) {
                        fail(new ReplayFailedException(
                                description + " could not publish to topic '" + topic + "': " + e.getMessage(), e));
                    }
                });
            }
            case COMMIT -> {
                producer.commitTransaction();
                inTransaction = false;
            }
            case ABORT -> {
                // Write the records first: an abort drops whatever is still buffered, and the
                // original transaction's records did reach the log (read_uncommitted sees them).
                producer.flush();
                producer.abortTransaction();
                inTransaction = false;
            }
            case SYNC -> {
                producer.flush();
                c.done.countDown();
            }
            default -> throw new IllegalStateException("unexpected " + c.kind);
        }
    }

    private ReplayFailedException explainStart(RuntimeException e) {
        if (e instanceof InvalidTxnTimeoutException) {
            return new ReplayFailedException(description + ": the broker refused transaction.timeout.ms="
                    + props.getProperty("transaction.timeout.ms") + " (longer than its transaction.max.timeout.ms)."
                    + " The scenario holds a transaction open that long at this speed: raise the broker's"
                    + " transaction.max.timeout.ms, replay faster (--speed), or pass a shorter"
                    + " --kafka-property transaction.timeout.ms=... (the broker may then abort long hangs itself).", e);
        }
        if (e instanceof TimeoutException) {
            return new ReplayFailedException(description + ": Kafka at " + props.getProperty("bootstrap.servers")
                    + " did not answer in time (" + e.getMessage() + "). Check --bootstrap-servers, the security"
                    + " settings (--kafka-property), and that the topics " + topics
                    + " exist or the broker creates topics automatically.", e);
        }
        return new ReplayFailedException(description + " could not start: " + e.getMessage(), e);
    }

    private void fail(Throwable e) {
        failure.compareAndSet(null, e);
    }

    /** Stops the thread, aborts a transaction left open, closes the producer. */
    void close(Duration timeout) {
        boolean queued = queue.offer(List.of(new Command(Kind.STOP, null, 0, 0, null, 0, null)));
        if (!queued) {
            thread.interrupt();
        }
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
        }
        if (producer == null) {
            return;
        }
        if (inTransaction) {
            try {
                // Never leave a transaction open: it would pin the partitions' last stable offset
                // until transaction.timeout.ms, which the replayer sets long.
                producer.abortTransaction();
            } catch (RuntimeException ignored) {
                // Fenced or broken: the broker aborts it when the producer's session ends.
            }
        }
        producer.close(timeout);
    }
}
