package io.txinsight.replayer;

import io.txinsight.events.ScenarioCodec;
import io.txinsight.events.ScenarioFormatException;
import java.io.IOException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Replays a scenario ({@code events.jsonl}) onto Kafka with its original timing and Kafka
 * transactions. The Java API behind {@code txinsight replay}:
 *
 * <pre>{@code
 * Replayer replayer = new Replayer();
 * ReplaySummary summary = replayer.replay(ReplayOptions.builder(file).bootstrapServers(servers).build());
 * // from another thread, to end early (open transactions are aborted):
 * replayer.stop();
 * }</pre>
 *
 * <p>First the whole file is validated; an invalid file throws {@link ScenarioFormatException}
 * (file:line: field: problem) before anything is published. Then the file is streamed again and
 * published, so memory stays constant however long the scenario is.
 *
 * <p>A Replayer runs one replay; once stopped it stays stopped.
 */
public final class Replayer {

    /** Head room on top of the longest transaction, for a slow broker or a loaded machine. */
    private static final long TRANSACTION_TIMEOUT_HEADROOM_MS = TimeUnit.MINUTES.toMillis(1);

    private static final long WARM_UP_RECORDS = 20_000;

    /** Takes every call and publishes nothing (for the warm-up). */
    private static final Publisher DISCARD = new Publisher() {
        @Override
        public void beginTransaction(String producer) {}

        @Override
        public void send(String producer, String topic, String key, byte[] value, long scheduledNanos) {}

        @Override
        public void commitTransaction(String producer) {}

        @Override
        public void abortTransaction(String producer) {}

        @Override
        public void awaitIdle() {}

        @Override
        public void close() {}
    };

    private final StopSignal stop = new StopSignal();

    /**
     * Validates, then publishes. Blocks until the replay is done or stopped.
     *
     * @throws ScenarioFormatException when the file is invalid (nothing was published)
     * @throws IllegalArgumentException when the options do not fit the file (e.g. --from past its end)
     * @throws ReplayFailedException when Kafka failed part-way (open transactions were aborted)
     */
    public ReplaySummary replay(ReplayOptions opts) throws IOException, ScenarioFormatException {
        ScenarioCodec codec = new ScenarioCodec();
        long validationStart = opts.clock().nanoTime();
        ScenarioPlan plan = ScenarioPlan.survey(opts.file(), codec, opts.from(), opts.to());
        Map<String, String> routes = new LinkedHashMap<>();
        plan.topics().forEach(t -> routes.put(t, opts.routing().route(t)));
        Duration validation = Duration.ofNanos(opts.clock().nanoTime() - validationStart);
        if (opts.dryRun()) {
            return new ReplaySummary(plan, true, false, 0, opts.speed(), routes, null, opts.parallelCommits(),
                    0, 0, 0, 0, 0, 0, validation, Duration.ZERO, 0, 0, 0, 0, 0, 0, 0, 0);
        }
        RecordKeys keys = RecordKeys.of(opts.key(), plan.file(), codec);
        String prefix = opts.transactionalIdPrefix() != null
                ? opts.transactionalIdPrefix()
                : ReplayOptions.DEFAULT_TRANSACTIONAL_ID_PREFIX + "-" + randomSuffix();
        ReplayClock clock = opts.clock();
        ScheduleLag lag = new ScheduleLag();
        ScheduleLag acknowledged = new ScheduleLag();
        ReplayTally tally = new ReplayTally();
        Publisher.Setup setup = new Publisher.Setup(
                plan.producers(), plan.plainRecords() > 0, new LinkedHashSet<>(routes.values()), prefix + "-",
                transactionTimeoutMs(plan.longestTransactionMs(), opts.speed()), opts.parallelCommits(), !opts.speed().isMax(),
                opts.bootstrapServers(),
                opts.kafkaProperties(), clock, lag, acknowledged);

        stop.runOn(Thread.currentThread());
        int completed = 0;
        long startedEpochMs = 0;
        long elapsedNanos;
        try (Publisher publisher = opts.publisherFactory().open(setup);
                ReplayProgress progress = opts.progress()
                        ? ReplayProgress.onStderr(plan.rangeRecords() * opts.loops())
                        : ReplayProgress.none()) {
            if (!opts.speed().isMax()) {
                warmUp(plan, codec, opts, keys);
            }
            long t0 = clock.nanoTime();
            for (int loop = 0; loop < opts.loops() && !stop.requested(); loop++) {
                ScenarioPass pass = new ScenarioPass(plan, codec, opts.speed(), opts.routing(), publisher, clock,
                        tally, stop, progress::stepTo, opts.rebaseTime(), keys);
                boolean done = pass.run();
                if (loop == 0) {
                    startedEpochMs = pass.startEpochMs();
                }
                // Count the time until Kafka has acknowledged everything, as Kafka's own perf tool does.
                publisher.awaitIdle();
                if (done) {
                    completed++;
                }
            }
            elapsedNanos = clock.nanoTime() - t0;
        } finally {
            stop.runOn(null);
            if (stop.wasInterrupted()) {
                Thread.currentThread().interrupt();
            }
        }
        return new ReplaySummary(plan, false, stop.requested(), completed, opts.speed(), routes, prefix,
                opts.parallelCommits(),
                tally.records, tally.plainRecords, tally.committed, tally.aborted, tally.hung, tally.abortedOnStop,
                validation, Duration.ofNanos(elapsedNanos), startedEpochMs,
                lag.count(), lag.percentileMillis(50), lag.percentileMillis(99), lag.maxMillis(),
                acknowledged.count(), acknowledged.percentileMillis(50), acknowledged.percentileMillis(99));
    }

    /**
     * Runs the first records of the range through the scheduling and decoding code, into a
     * publisher that drops them, before the clock starts: a fresh JVM first interprets that code
     * and compiles it on the way, and the first scheduled records should not pay for that.
     */
    private static void warmUp(ScenarioPlan plan, ScenarioCodec codec, ReplayOptions opts, RecordKeys keys)
            throws IOException, ScenarioFormatException {
        new ScenarioPass(plan.limitedTo(WARM_UP_RECORDS), codec, Speed.MAX, opts.routing(), DISCARD, opts.clock(),
                new ReplayTally(), new StopSignal(), done -> {}, opts.rebaseTime(), keys).run();
    }

    /** Ends the replay early from any thread: stops publishing and aborts open transactions. */
    public void stop() {
        stop.request();
    }

    public boolean isStopRequested() {
        return stop.requested();
    }

    /**
     * Long enough that the broker never aborts a transaction the scenario still holds open (hangs
     * included), given the longest one in scenario time. The broker caps it at its transaction.max.timeout.ms (15 minutes by default); a
     * longer hang then fails at start with a message saying so.
     */
    static long transactionTimeoutMs(long longestTransactionMs, Speed speed) {
        long longest = speed.isMax() ? 0 : (long) Math.ceil(longestTransactionMs / speed.factor());
        return Math.max(TRANSACTION_TIMEOUT_HEADROOM_MS, longest + TRANSACTION_TIMEOUT_HEADROOM_MS);
    }

    private static String randomSuffix() {
        byte[] b = new byte[4];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
