package io.txinsight.simulator.publish;

import io.txinsight.events.EventCodec;
import io.txinsight.events.KafkaTxn;
import io.txinsight.events.ScenarioRecord;
import io.txinsight.events.TxnFate;
import io.txinsight.events.Truth;
import io.txinsight.simulator.Workload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TransactionAbortedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Stream and batch mode: publishes a workload straight to Kafka with one real transactional
 * producer per simulated producer, each record inside the Kafka transaction the model gave it,
 * which is then committed, aborted, or (a hang) kept open until its end and aborted.
 *
 * <p>Paced, a record goes out at its scenario time after the start (against a monotonic clock,
 * so no drift accumulates) and a transaction ends at its {@code end_ms}. Unpaced (batch mode),
 * everything goes out as fast as the producers allow, transactions ending as soon as their last
 * record is sent.
 *
 * <p>One thread per producer, fed through a bounded queue: a slow commit on one producer does not
 * hold back the others, and the generator never runs far ahead of the clock.
 */
public final class TransactionalPublisher {

    private static final int QUEUE_CAPACITY = 20_000;

    /**
     * How to reach Kafka.
     *
     * @param bootstrapServers the cluster
     * @param transactionalIdPrefix each producer's {@code transactional.id} is this plus its id (p0, p1, …)
     * @param kafkaProperties extra producer properties (security settings, …); they win over ours
     * @param paced true to follow scenario time, false for as fast as possible
     */
    public record Settings(
            String bootstrapServers, String transactionalIdPrefix, Map<String, String> kafkaProperties, boolean paced) {}

    private final Settings settings;
    private final EventCodec codec = new EventCodec();

    public TransactionalPublisher(Settings settings) {
        this.settings = settings;
    }

    /** The outcome of a run: what was published, and the truth of it. */
    public record Result(PublishReport report, Truth truth) {}

    /**
     * Runs the workload and publishes every record.
     *
     * @param tee also receives every record, in order (e.g. to write events.jsonl); may be null
     * @param progress told the number of transactions started so far; may be null
     */
    public Result publish(Workload workload, Workload.RecordSink tee, LongConsumer progress)
            throws IOException, InterruptedException {
        int producers = workload.params().producers();
        long hangMs = workload.params().hangs() > 0 ? workload.params().hangMs() : 0;
        Worker[] workers = new Worker[producers];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        // Producers first (initTransactions takes a moment each), then the clock starts.
        List<Producer<byte[], byte[]>> kafkaProducers = new ArrayList<>();
        try {
            for (int i = 0; i < producers; i++) {
                kafkaProducers.add(producer("p" + i, hangMs));
            }
        } catch (RuntimeException e) {
            kafkaProducers.forEach(p -> p.close(Duration.ZERO));
            throw e;
        }
        long startNanos = System.nanoTime();
        for (int i = 0; i < producers; i++) {
            workers[i] = new Worker("p" + i, kafkaProducers.get(i), startNanos, failure);
            workers[i].start();
        }
        Truth truth;
        long[] lastAt = {0};
        try {
            truth = workload.run(record -> {
                if (failure.get() != null) {
                    throw new IOException("publishing failed: " + failure.get().getMessage(), failure.get());
                }
                if (tee != null) {
                    tee.accept(record);
                }
                lastAt[0] = record.atMs();
                workers[index(record.txn())].put(record);
            }, progress);
        } finally {
            for (Worker w : workers) {
                w.finish();
            }
            for (Worker w : workers) {
                w.join();
            }
        }
        long elapsedMs = (System.nanoTime() - startNanos) / 1_000_000;
        if (failure.get() != null) {
            throw new IOException("publishing failed: " + failure.get().getMessage(), failure.get());
        }
        long records = 0, committed = 0, aborted = 0, behind = 0;
        long firstSend = Long.MAX_VALUE, lastSend = Long.MIN_VALUE;
        for (Worker w : workers) {
            records += w.records;
            committed += w.committed;
            aborted += w.aborted;
            behind = Math.max(behind, w.maxBehindNanos / 1_000_000);
            if (w.records > 0) {
                firstSend = Math.min(firstSend, w.firstSendNanos);
                lastSend = Math.max(lastSend, w.lastSendNanos);
            }
        }
        long publishMs = records > 0 ? (lastSend - firstSend) / 1_000_000 : 0;
        return new Result(
                new PublishReport(records, committed, aborted, elapsedMs, publishMs, lastAt[0], behind), truth);
    }

    private static int index(KafkaTxn txn) {
        return Integer.parseInt(txn.producer().substring(1));
    }

    private Producer<byte[], byte[]> producer(String id, long hangMs) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.transactionalIdPrefix() + id);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, settings.transactionalIdPrefix() + id);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, settings.paced() ? "2" : "10");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, settings.paced() ? "16384" : "131072");
        // A hang must outlive its own duration, or the broker would abort it early.
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(Math.max(60_000, hangMs + 30_000)));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.putAll(settings.kafkaProperties());
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props);
        producer.initTransactions();
        return producer;
    }

    /** Drives one transactional producer through its Kafka transactions. */
    private final class Worker extends Thread {
        private final BlockingQueue<ScenarioRecord> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
        private final Producer<byte[], byte[]> producer;
        private final long startNanos;
        private final AtomicReference<Throwable> failure;
        private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
        private volatile boolean finished;
        long records;
        long firstSendNanos;
        long lastSendNanos;
        long committed;
        long aborted;
        long maxBehindNanos;

        Worker(String id, Producer<byte[], byte[]> producer, long startNanos, AtomicReference<Throwable> failure) {
            super("publisher-" + id);
            setDaemon(true);
            this.producer = producer;
            this.startNanos = startNanos;
            this.failure = failure;
        }

        void put(ScenarioRecord r) throws IOException {
            try {
                while (!queue.offer(r, 100, TimeUnit.MILLISECONDS)) {
                    if (failure.get() != null || !isAlive()) {
                        throw new IOException("producer thread " + getName() + " stopped");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }

        void finish() {
            finished = true;
        }

        @Override
        public void run() {
            KafkaTxn open = null;
            try {
                while (true) {
                    ScenarioRecord r = open == null || !settings.paced()
                            ? queue.poll(50, TimeUnit.MILLISECONDS)
                            : queue.poll(Math.max(0, due(open.endMs()) - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (r == null) {
                        if (open != null && settings.paced() && System.nanoTime() >= due(open.endMs())) {
                            end(open);
                            open = null;
                        } else if (finished && queue.isEmpty()) {
                            break;
                        }
                        continue;
                    }
                    if (open != null && r.txn().seq() != open.seq()) {
                        end(open);
                        open = null;
                    }
                    if (open == null) {
                        producer.beginTransaction();
                        open = r.txn();
                    }
                    send(r);
                }
                if (open != null) {
                    end(open);
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
                try {
                    producer.close(Duration.ZERO);
                } catch (RuntimeException ignored) {
                    // already failing
                }
                return;
            }
            producer.close();
        }

        private void send(ScenarioRecord r) {
            if (settings.paced()) {
                long behind = sleepUntil(due(r.atMs()));
                maxBehindNanos = Math.max(maxBehindNanos, behind);
            }
            byte[] key = r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8);
            producer.send(new ProducerRecord<>(r.topic(), key, r.value(codec)), (md, e) -> {
                if (e != null && !(e instanceof TransactionAbortedException)) {
                    sendFailure.compareAndSet(null, e);
                }
            });
            lastSendNanos = System.nanoTime();
            if (records++ == 0) {
                firstSendNanos = lastSendNanos;
            }
        }

        private void end(KafkaTxn txn) {
            if (settings.paced()) {
                sleepUntil(due(txn.endMs()));
            }
            if (sendFailure.get() != null) {
                throw new IllegalStateException("a send failed: " + sendFailure.get().getMessage(), sendFailure.get());
            }
            if (txn.fate() == TxnFate.COMMIT) {
                producer.commitTransaction();
                committed++;
            } else {
                // Written first, then rolled back: the records sit in the log (a read_uncommitted
                // reader sees them) under an abort marker, as when a real producer's transaction fails.
                producer.flush();
                producer.abortTransaction();
                aborted++;
            }
        }

        private long due(long atMs) {
            return startNanos + atMs * 1_000_000L;
        }

        /** Sleeps until the monotonic clock reaches {@code dueNanos}; returns how late it already was. */
        private long sleepUntil(long dueNanos) {
            long now = System.nanoTime();
            if (now >= dueNanos) {
                return now - dueNanos;
            }
            do {
                LockSupport.parkNanos(dueNanos - now);
                now = System.nanoTime();
            } while (now < dueNanos);
            return 0;
        }
    }
}
