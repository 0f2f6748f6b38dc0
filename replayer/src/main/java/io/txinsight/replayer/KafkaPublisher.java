package io.txinsight.replayer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes to Kafka: one transactional producer per scenario producer ({@code transactional.id} =
 * prefix + producer), and one idempotent producer for records without a transaction. Each runs on
 * its own {@link ProducerLane}. Both the replayer and the simulator's stream and batch modes
 * publish through it.
 *
 * <p>With {@code parallelCommits} N &gt; 1, a scenario producer gets N Kafka producers and uses
 * them in turn, one transaction each, so a transaction's commit round trip overlaps the next
 * transaction's records. Transaction boundaries, fates and order stay the same; only the producer
 * ids differ from a one-to-one replay.
 */
public final class KafkaPublisher implements Publisher {

    /** Producer settings the replayer owns; passing them through would break the replay. */
    public static final List<String> RESERVED_PROPERTIES = List.of(
            ProducerConfig.TRANSACTIONAL_ID_CONFIG,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);

    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    /** Scenario producer -> its Kafka producers, used in turn, one transaction each. */
    private final Map<String, ProducerLane[]> lanes = new HashMap<>();
    /** Scenario producer -> the lane carrying its open transaction. */
    private final Map<String, ProducerLane> openLane = new HashMap<>();
    private final Map<String, Integer> nextLane = new HashMap<>();
    private final List<ProducerLane> allLanes = new ArrayList<>();
    private final ProducerLane plain;
    private final KeyOrderGuard guard = new KeyOrderGuard();

    public KafkaPublisher(Setup setup) {
        List<String> topics = List.copyOf(setup.topics());
        for (String producer : setup.producers()) {
            ProducerLane[] own = new ProducerLane[setup.parallelCommits()];
            for (int i = 0; i < own.length; i++) {
                String txnId = setup.transactionalIdPrefix() + producer + (i == 0 ? "" : "-lane" + (i + 1));
                Properties p = baseProperties(setup, txnId);
                p.setProperty(ProducerConfig.TRANSACTIONAL_ID_CONFIG, txnId);
                p.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, String.valueOf(setup.transactionTimeoutMs()));
                if (setup.paced()) {
                    // Kafka 4 transactions restart sequence numbers in every transaction; a second
                    // pipelined batch that reaches the broker first is rejected and retried after a
                    // back-off, and the records behind it go out late. At --speed max pipelining
                    // is worth more than that occasional retry, so Kafka's default stays.
                    p.putIfAbsent(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
                }
                own[i] = new ProducerLane(allLanes.size(), producer,
                        "producer '" + producer + "' (transactional.id " + txnId + ")", p, true, topics,
                        setup.clock(), setup.lag(), setup.acknowledged(), failure);
                allLanes.add(own[i]);
            }
            lanes.put(producer, own);
        }
        if (setup.plainRecords()) {
            String clientId = setup.transactionalIdPrefix() + "plain";
            plain = new ProducerLane(allLanes.size(), null, "the non-transactional producer (" + clientId + ")",
                    baseProperties(setup, clientId), false, topics, setup.clock(), setup.lag(), setup.acknowledged(), failure);
            allLanes.add(plain);
        } else {
            plain = null;
        }
        start();
    }

    private static Properties baseProperties(Setup setup, String clientId) {
        Properties p = new Properties();
        p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, setup.bootstrapServers());
        p.setProperty(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        // linger.ms stays Kafka's default (5 ms in Kafka 4), as in the producers being reproduced.
        // A record's CreateTime is stamped when it is handed over, on time either way; linger only
        // lets records due within 5 ms share a produce request. With linger.ms=0 every record is
        // its own request, and on a machine shared with the broker the extra thread wake-ups made
        // records twice as late at the p99 (docs/replayer.md, timing figures).
        p.putAll(setup.kafkaProperties());
        p.setProperty(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.setProperty(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    private void start() {
        // Initialise all producers in parallel: initTransactions is a coordinator round trip each.
        allLanes.forEach(ProducerLane::start);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try {
            for (ProducerLane lane : allLanes) {
                long left = deadline - System.nanoTime();
                if (!lane.awaitReady(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                    failure.compareAndSet(null, new ReplayFailedException(
                            lane.description + " was not ready within " + START_TIMEOUT.toMinutes() + " minutes"));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure.compareAndSet(null, new ReplayFailedException("interrupted while starting the producers", e));
        }
        if (failure.get() != null) {
            close();
            throw asFailure(failure.get());
        }
    }

    @Override
    public void beginTransaction(String producer) {
        throwIfFailed();
        ProducerLane[] own = lanes.get(producer);
        if (own == null) {
            throw new IllegalStateException("producer '" + producer + "' was not in the plan");
        }
        int i = nextLane.merge(producer, 1, Integer::sum) - 1;
        ProducerLane lane = own[i % own.length];
        openLane.put(producer, lane);
        lane.begin();
    }

    @Override
    public void send(String producer, String topic, String key, byte[] value, long scheduledNanos) {
        ProducerLane lane = producer == null ? plain : lane(producer);
        if (lane == null) {
            throw new IllegalStateException("no producer for records without a transaction; the plan said there were none");
        }
        long seq = ++lane.dispatched;
        KeyOrderGuard.Barrier barrier = guard.claim(topic, key, lane, seq);
        byte[] keyBytes = key == null ? null : key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        lane.send(new ProducerRecord<>(topic, keyBytes, value), seq, scheduledNanos,
                barrier == null ? null : barrier.lane(), barrier == null ? 0 : barrier.seq());
    }

    @Override
    public void commitTransaction(String producer) {
        lane(producer).commit();
        openLane.remove(producer);
    }

    @Override
    public void abortTransaction(String producer) {
        lane(producer).abort();
        openLane.remove(producer);
    }

    @Override
    public void handOff() {
        for (ProducerLane lane : allLanes) {
            lane.handOff();
        }
    }

    @Override
    public void awaitIdle() {
        List<CountDownLatch> latches = new ArrayList<>();
        for (ProducerLane lane : allLanes) {
            latches.add(lane.sync());
        }
        try {
            for (CountDownLatch latch : latches) {
                while (!latch.await(100, TimeUnit.MILLISECONDS)) {
                    if (failure.get() != null) {
                        break;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReplayFailedException("interrupted while waiting for Kafka to acknowledge the records", e);
        }
        throwIfFailed();
    }

    /** The lane carrying the producer's open transaction. */
    private ProducerLane lane(String producer) {
        throwIfFailed();
        ProducerLane lane = openLane.get(producer);
        if (lane == null) {
            throw new IllegalStateException("producer '" + producer + "' has no open transaction");
        }
        return lane;
    }

    private void throwIfFailed() {
        Throwable t = failure.get();
        if (t != null) {
            throw asFailure(t);
        }
    }

    private static ReplayFailedException asFailure(Throwable t) {
        return t instanceof ReplayFailedException r ? new ReplayFailedException(r.getMessage(), r) : new ReplayFailedException(t.getMessage(), t);
    }

    @Override
    public void close() {
        for (ProducerLane lane : allLanes) {
            lane.close(CLOSE_TIMEOUT);
        }
    }
}
