package io.txinsight.sandbox;

import io.txinsight.replayer.ReplayOptions;
import io.txinsight.replayer.Replayer;
import io.txinsight.simulator.Scenario;
import io.txinsight.simulator.SimulationParams;
import io.txinsight.simulator.Simulator;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The demo's traffic, on a thread of its own: a scenario of the preset generated with a new seed
 * and replayed into Kafka with its original timing (event times shifted to now), round after
 * round until stopped, or just once for a finite demo, whose validation needs that one scenario.
 */
final class DemoWorkload implements AutoCloseable {

    private final WorkloadFit fit;
    private final long spanMs;
    private final boolean once;
    private final String bootstrapServers;
    private final Path workDir;
    private final Replayer replayer = new Replayer();
    private final AtomicReference<Scenario> replayed = new AtomicReference<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong replayedAtNanos = new AtomicLong();
    private final Thread thread = new Thread(this::run, "demo-workload");
    private volatile boolean stopping;

    /**
     * @param fit the preset, sized to the run; each round's scenario spans {@code spanMs} with as
     *     many transactions per second as the preset
     * @param once replay one scenario only (a finite demo)
     */
    DemoWorkload(WorkloadFit fit, long spanMs, boolean once, String bootstrapServers, Path workDir) {
        this.fit = fit;
        this.spanMs = spanMs;
        this.once = once;
        this.bootstrapServers = bootstrapServers;
        this.workDir = workDir;
        thread.setDaemon(true);
    }

    DemoWorkload start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            for (int round = 0; !stopping; round++) {
                SimulationParams params = fit.over(spanMs).toBuilder()
                        .seed(fit.params().seed() + round)
                        .idPrefix("R" + round + "-")
                        .build();
                Scenario scenario = Simulator.generate(params, workDir.resolve("scenario-" + round));
                say(String.format("Replaying %s: %,d transactions over %ds (round %d)%s", params.name(),
                        scenario.truth().summary().transactions(), spanMs / 1000, round + 1,
                        once ? "" : "; Ctrl-C stops"));
                replayer.replay(ReplayOptions.builder(scenario.eventsFile())
                        .bootstrapServers(bootstrapServers)
                        .rebaseTime(true)
                        .progress(false)
                        .build());
                if (once) {
                    replayed.set(scenario);
                    replayedAtNanos.set(System.nanoTime());
                    return;
                }
            }
        } catch (Throwable e) {
            if (!stopping && !replayer.isStopRequested()) {
                failure.set(e);
            }
        }
    }

    /** Why the workload stopped on its own, or null. */
    Throwable failure() {
        return failure.get();
    }

    /** The scenario a finite run replayed, once it is fully replayed; null before. */
    Scenario replayed() {
        return replayed.get();
    }

    /** Whether a finite run's scenario was replayed at least {@code ms} ago. */
    boolean replayedFor(long ms) {
        long at = replayedAtNanos.get();
        return at > 0 && System.nanoTime() - at >= TimeUnit.MILLISECONDS.toNanos(ms);
    }

    /** Stops replaying (the replayer aborts its open Kafka transactions) and waits for the thread. */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        replayer.stop();
        thread.join(TimeUnit.SECONDS.toMillis(30));
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
