package io.txinsight.job.tracker;

import io.txinsight.events.DecodeResult;
import io.txinsight.events.EventCodec;
import io.txinsight.job.collector.HangingRule;
import io.txinsight.job.collector.KafkaTransactionsCollector;
import io.txinsight.job.collector.OpenKafkaTransaction;
import io.txinsight.job.collector.PartitionOffsets;
import io.txinsight.job.tracker.lifecycle.Blocker;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks Kafka itself whether a record the monitor view saw was rolled back: the proof an Aborted
 * verdict needs when the committed view offers none on this subtask ({@link CommittedView} only
 * learns from committed records whose keys hash here, so on a quiet partition, or at high
 * parallelism, it may never see one beyond the close).
 *
 * <p><b>The rule.</b> Once a partition's last stable offset is beyond offset {@code O}, the Kafka
 * transaction that wrote {@code O} has ended. A read_committed consumer placed at {@code O} then
 * either returns the record at {@code O} (committed) or moves past it without returning it (rolled
 * back: aborted records and transaction markers are skipped, and the consumer's position still
 * advances over them, also at the end of a quiet partition). A record proven rolled back can never
 * reach the committed view, so an Aborted verdict on it is right whatever the order in which the
 * two views' records reach the tracker: the proof can be later, never wrong.
 *
 * <p>The probe runs on a thread of its own, so the tracker never waits for Kafka: the tracker asks
 * ({@link #rolledBack}), the question is answered at the next round, and the lifecycle's next abort
 * re-check reads the answer. Only tentatively closed (or wholly uncommitted) transactions ask,
 * and only while the committed view of their partition stands still on the asking subtask (the
 * tracker's rule): while it moves, it brings the evidence itself, so a healthy stream and a
 * catch-up cost nothing. What is undecided (the transaction still open at the broker, Kafka
 * unreachable, the round's answers spent) is simply asked again at the next re-check.
 */
public final class RollbackProbe implements ProbedEvidence.Questions, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RollbackProbe.class);

    /** At most this many questions wait for a round; more are dropped and asked again later. */
    static final int MAX_QUESTIONS = 10_000;
    /** Answers are kept this long for the re-checks that read them (the grace may still be running). */
    static final long ANSWER_KEPT_MS = 10 * 60_000L;
    /** A range is read this far at most: beyond, no proof (the transaction may still expire). */
    static final int MAX_RANGE_RECORDS = 10_000;
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration ONE_RECORD_WAIT = Duration.ofSeconds(2);
    /**
     * A round reads at most this many answers; the questions left are asked again at their next
     * re-check. Each answer is a seek and a fetch, for the broker too: when the committed view
     * stalls for a moment in a catch-up (a checkpoint's barrier alignment, say), every close of
     * the partition is asked about at once (in the 02:35 run of docs/performance.md, the probe was
     * 4 % of the job's samples again and the broker used 3 s more CPU). Not a time budget: an
     * answer that a record was rolled back waits for a poll that returns nothing, so it is slow but
     * cheap.
     */
    static final int MAX_ANSWERS_PER_ROUND = 100;

    /**
     * Where to ask: the views' bootstrap servers and Kafka properties (security included), and how
     * often a round answers the questions queued since the last.
     */
    public record Settings(String bootstrapServers, Map<String, String> kafkaProperties, long roundEveryMs)
            implements Serializable {
        public Settings {
            kafkaProperties = Map.copyOf(kafkaProperties);
        }
    }

    /** One record of one partition. */
    private record Position(String topic, int partition, long offset) {}

    /** The records of one business transaction from one offset to another of one partition. */
    private record Range(String topic, int partition, long fromOffset, long toOffset, String txnId) {}

    /** An answer and the wall-clock ms it was found. */
    private record Found<T>(T answer, long atMs) {}

    private final Set<Position> questions = ConcurrentHashMap.newKeySet();
    private final Set<Range> rangeQuestions = ConcurrentHashMap.newKeySet();
    /** Records proven rolled back, with the wall-clock ms of the proof. */
    private final Map<Position, Long> rolledBack = new ConcurrentHashMap<>();
    /** Ranges whose records of their transaction are proven all rolled back, with the ms of the proof. */
    private final Map<Range, Long> rangesRolledBack = new ConcurrentHashMap<>();
    /** Decodes the records of a range, to tell the transaction's own from the others'. */
    private final EventCodec codec = new EventCodec();
    /** Records found held back by an open Kafka transaction, with what holds them (latest round's answer). */
    private final Map<Position, Found<Blocker>> heldBack = new ConcurrentHashMap<>();
    private final ScheduledExecutorService thread;
    private final Settings settings;
    private final String clientId;
    /** Touched only by {@link #thread}. */
    private KafkaConsumer<byte[], byte[]> consumer;
    /** Touched only by {@link #thread}; asks who holds a partition's last stable offset. */
    private Admin admin;
    private KafkaTransactionsCollector collector;
    private String lastProblem;

    RollbackProbe(Settings settings, String clientId) {
        this.settings = settings;
        this.clientId = clientId;
        ClassLoader userCode = getClass().getClassLoader();
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rollback-probe " + clientId);
            t.setDaemon(true);
            // Kafka loads its plug-ins (deserializers, SASL modules) through this loader.
            t.setContextClassLoader(userCode);
            return t;
        });
        thread.scheduleWithFixedDelay(this::round, settings.roundEveryMs(), settings.roundEveryMs(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Whether the record at {@code offset} has been proven rolled back. If not (yet), the question
     * is queued for the next round.
     */
    @Override
    public boolean rolledBack(String topic, int partition, long offset) {
        Position p = new Position(topic, partition, offset);
        if (rolledBack.containsKey(p)) {
            return true;
        }
        if (questions.size() < MAX_QUESTIONS) {
            questions.add(p);
        }
        return false;
    }

    /**
     * Whether none of business transaction {@code txnId}'s records from {@code fromOffset} to
     * {@code toOffset} of this partition is committed: the partition's last stable offset is beyond
     * {@code toOffset}, and a read_committed consumer placed at {@code fromOffset} returns none of
     * them before it moves past {@code toOffset} (other transactions' committed records in between
     * are read and told apart by their {@code txn_id}). If not (yet) proven, the question is queued
     * for the next round; a range of more than {@value #MAX_RANGE_RECORDS} records is never proven.
     */
    @Override
    public boolean noneCommitted(String topic, int partition, long fromOffset, long toOffset, String txnId) {
        Range r = new Range(topic, partition, fromOffset, toOffset, txnId);
        if (rangesRolledBack.containsKey(r)) {
            return true;
        }
        if (rangeQuestions.size() < MAX_QUESTIONS) {
            rangeQuestions.add(r);
        }
        return false;
    }

    /**
     * The Kafka transaction that held the record at {@code offset} back at the last round that
     * asked, or null. Asked through {@link #rolledBack} or {@link #noneCommitted} (its last
     * offset), which queue the question.
     */
    @Override
    public Blocker blockerOf(String topic, int partition, long offset) {
        Found<Blocker> found = heldBack.get(new Position(topic, partition, offset));
        return found == null ? null : found.answer();
    }

    /**
     * One round: every queued question whose Kafka transaction has ended is answered; for the
     * others, the transaction that holds them back is looked up.
     */
    private void round() {
        forgetOldAnswers(System.currentTimeMillis());
        if (questions.isEmpty() && rangeQuestions.isEmpty()) {
            return;
        }
        Map<TopicPartition, List<Long>> byPartition = new HashMap<>();
        for (Iterator<Position> it = questions.iterator(); it.hasNext(); ) {
            Position p = it.next();
            it.remove();
            byPartition.computeIfAbsent(new TopicPartition(p.topic(), p.partition()), k -> new ArrayList<>())
                    .add(p.offset());
        }
        Map<TopicPartition, List<Range>> rangesByPartition = new HashMap<>();
        for (Iterator<Range> it = rangeQuestions.iterator(); it.hasNext(); ) {
            Range r = it.next();
            it.remove();
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            rangesByPartition.computeIfAbsent(tp, k -> new ArrayList<>()).add(r);
            // Who holds the range back is who holds its last record back.
            byPartition.computeIfAbsent(tp, k -> new ArrayList<>());
        }
        try {
            KafkaConsumer<byte[], byte[]> c = consumer();
            // A read_committed consumer's end offset is the last stable offset.
            Map<TopicPartition, Long> stable = c.endOffsets(byPartition.keySet(), KAFKA_TIMEOUT);
            int answers = 0;
            for (Map.Entry<TopicPartition, List<Long>> asked : byPartition.entrySet()) {
                TopicPartition tp = asked.getKey();
                long lso = stable.getOrDefault(tp, -1L);
                List<Long> offsets = new ArrayList<>(asked.getValue());
                for (Range r : rangesByPartition.getOrDefault(tp, List.of())) {
                    if (r.toOffset() >= lso) {
                        offsets.add(r.toOffset());
                    } else if (answers++ < MAX_ANSWERS_PER_ROUND) {
                        answer(c, tp, r);
                    }
                }
                for (long offset : offsets.stream().filter(o -> o < lso).sorted().toList()) {
                    if (answers++ < MAX_ANSWERS_PER_ROUND) {
                        answer(c, tp, offset);
                    }
                }
                List<Long> pinned = offsets.stream().filter(o -> o >= lso).toList();
                if (lso >= 0 && !pinned.isEmpty()) {
                    Blocker blocker = holderOf(tp, lso);
                    long now = System.currentTimeMillis();
                    pinned.forEach(o -> heldBack.put(new Position(tp.topic(), tp.partition(), o),
                            new Found<>(blocker, now)));
                }
            }
            lastProblem = null;
        } catch (RuntimeException e) {
            if (thread.isShutdown()) {
                return; // interrupted by close()
            }
            // Kafka unreachable or refusing: nothing is concluded, the questions come again.
            report(e);
        }
    }

    /** Says once per distinct cause what kept the probe from an answer. */
    private void report(Exception e) {
        String problem = e.getClass().getSimpleName() + ": " + e.getMessage();
        if (!problem.equals(lastProblem)) {
            LOG.warn("Rollback probe {} could not ask Kafka ({}); the answers that need it wait", clientId, problem);
            lastProblem = problem;
        }
    }

    /** Places the consumer at {@code offset} (below the LSO) and watches whether it returns that record. */
    private void answer(KafkaConsumer<byte[], byte[]> c, TopicPartition tp, long offset) {
        if (noneReturned(c, tp, offset, offset, record -> true)) {
            prove(tp, offset);
        }
    }

    /**
     * Reads {@code r}'s range read_committed (below the LSO) and proves it rolled back when none
     * of the records returned in it is its transaction's.
     */
    private void answer(KafkaConsumer<byte[], byte[]> c, TopicPartition tp, Range r) {
        if (noneReturned(c, tp, r.fromOffset(), r.toOffset(), record -> record.value() != null
                && codec.decode(record.value()) instanceof DecodeResult.Accepted a && r.txnId().equals(a.event().txnId()))) {
            rangesRolledBack.put(r, System.currentTimeMillis());
        }
    }

    /**
     * Whether a read_committed consumer placed at {@code from} (below the LSO) moves past {@code to}
     * without returning any record there that {@code counts}: then those records were aborted
     * (aborted records and transaction markers are skipped, and the position still advances over
     * them, also at the end of a quiet partition). False when one is returned, when more than
     * {@value #MAX_RANGE_RECORDS} are read, or when Kafka does not move within the wait.
     */
    private boolean noneReturned(KafkaConsumer<byte[], byte[]> c, TopicPartition tp, long from, long to,
            Predicate<ConsumerRecord<byte[], byte[]>> counts) {
        c.assign(List.of(tp));
        c.seek(tp, from);
        long deadline = System.nanoTime() + ONE_RECORD_WAIT.toNanos();
        int read = 0;
        while (System.nanoTime() < deadline && read <= MAX_RANGE_RECORDS) {
            for (ConsumerRecord<byte[], byte[]> record : c.poll(Duration.ofMillis(200)).records(tp)) {
                if (record.offset() > to) {
                    return true;
                }
                read++;
                if (counts.test(record)) {
                    return false;
                }
            }
            if (c.position(tp, KAFKA_TIMEOUT) > to) {
                return true;
            }
        }
        return false;
    }

    /**
     * The Kafka transaction that pins {@code tp}'s last stable offset: the oldest open one there,
     * as the collector sees it ({@link KafkaTransactionsCollector#openTransactions}). Null if the
     * broker shows none (it ended meanwhile), or if the job may not describe transactional ids: the
     * collector then refuses to judge rather than guess, and so does the outcome.
     */
    private Blocker holderOf(TopicPartition tp, long lastStableOffset) {
        List<OpenKafkaTransaction> open;
        try {
            open = collector().openTransactions(System.currentTimeMillis(),
                    List.of(new PartitionOffsets(tp.topic(), tp.partition(), -1, lastStableOffset)));
        } catch (Exception e) {
            report(e);
            return null;
        }
        return open.stream()
                .filter(t -> t.startOffset() <= lastStableOffset)
                .min(Comparator.comparingLong(OpenKafkaTransaction::startOffset))
                .map(t -> new Blocker(t.transactionalId(), t.producerId(), t.coordinatorPartitions().isEmpty()
                        ? new String[] {tp.toString()}
                        : t.coordinatorPartitions().toArray(String[]::new)))
                .orElse(null);
    }

    private void prove(TopicPartition tp, long offset) {
        rolledBack.put(new Position(tp.topic(), tp.partition(), offset), System.currentTimeMillis());
    }

    private void forgetOldAnswers(long nowMs) {
        rolledBack.values().removeIf(provedAt -> nowMs - provedAt > ANSWER_KEPT_MS);
        rangesRolledBack.values().removeIf(provedAt -> nowMs - provedAt > ANSWER_KEPT_MS);
        heldBack.values().removeIf(found -> nowMs - found.atMs() > ANSWER_KEPT_MS);
    }

    private KafkaTransactionsCollector collector() {
        if (admin == null) {
            Map<String, Object> p = new HashMap<>(settings.kafkaProperties());
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
            p.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId + "-admin");
            admin = Admin.create(p);
            // Only its open-transaction lookup is used: the hanging rule never decides here.
            collector = new KafkaTransactionsCollector(admin, List.of(), new HangingRule(
                    HangingRule.KAFKA_DEFAULT_MAX_TIMEOUT_MS, Long.MAX_VALUE), KAFKA_TIMEOUT);
        }
        return collector;
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        if (consumer == null) {
            Properties p = new Properties();
            p.putAll(settings.kafkaProperties());
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
            // One record per poll: a poll converts only what it returns, and most answers need
            // only the first record (500 made the probe 7 % of a catch-up's CPU); a range is read
            // a record per poll from the fetched batch.
            p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1");
            // An answer needs the batch at the offset asked, not a megabyte from it (the default).
            p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "65536");
            p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
            p.remove(ConsumerConfig.GROUP_ID_CONFIG);
            consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }
        return consumer;
    }

    @Override
    public void close() throws InterruptedException {
        thread.shutdownNow();
        thread.awaitTermination(10, TimeUnit.SECONDS);
        // The probe thread has stopped; closing from here cannot race with it.
        if (consumer != null) {
            consumer.close(Duration.ZERO);
        }
        if (admin != null) {
            admin.close(Duration.ZERO);
        }
    }
}
