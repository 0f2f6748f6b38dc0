package io.txinsight.simulator.publish;

import io.txinsight.events.Truth;
import io.txinsight.replayer.LiveReplay;
import io.txinsight.replayer.Speed;
import io.txinsight.simulator.Workload;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Stream and batch mode: publishes a workload straight to Kafka as it is generated, each record
 * inside the Kafka transaction the model gave it, which is then committed, aborted, or (a hang)
 * kept open until its end and aborted.
 *
 * <p>The publishing is the replayer's ({@link LiveReplay}): a stream is a replay of a scenario
 * that is generated while it plays, so it gets the replayer's tuned producers (one Kafka producer
 * and thread per simulated producer, commits off the scheduling thread, Kafka's default linger,
 * one request in flight when paced) and its drift-free schedule. Paced, a record goes out at its
 * scenario time after the start and a transaction ends at its {@code end_ms}; unpaced (batch
 * mode), everything goes out as fast as Kafka takes it, in the same order with the same fates.
 */
public final class TransactionalPublisher {

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
     * @throws io.txinsight.replayer.ReplayFailedException when Kafka failed (open transactions are aborted)
     */
    public Result publish(Workload workload, Workload.RecordSink tee, LongConsumer progress) throws IOException {
        LiveReplay.Settings live = new LiveReplay.Settings(settings.bootstrapServers(), settings.transactionalIdPrefix(),
                settings.kafkaProperties(), workload.producers(), Set.of(workload.params().topic()),
                workload.longestKafkaTransactionMs(), settings.paced() ? Speed.REAL_TIME : Speed.MAX);
        try (LiveReplay replay = LiveReplay.start(live)) {
            long[] lastAtMs = {0};
            Truth truth = workload.run(record -> {
                if (tee != null) {
                    tee.accept(record);
                }
                lastAtMs[0] = record.atMs();
                replay.publish(record);
            }, progress);
            LiveReplay.Figures f = replay.finish();
            return new Result(new PublishReport(f.records(), f.committed(), f.aborted() + f.hung(),
                    f.elapsedNanos() / 1_000_000, f.sendingNanos() / 1_000_000, lastAtMs[0], (long) f.lagMaxMs()), truth);
        }
    }
}
