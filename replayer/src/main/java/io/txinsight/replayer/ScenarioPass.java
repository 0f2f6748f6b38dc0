package io.txinsight.replayer;

import io.txinsight.events.ScenarioCodec;
import io.txinsight.events.ScenarioFormatException;
import java.io.IOException;
import java.util.function.LongConsumer;

/**
 * One pass over the replayed range of a file: streams it a record at a time into a {@link
 * Schedule}, which keeps the records' times and the transactions' ends.
 */
final class ScenarioPass {

    private final ScenarioPlan plan;
    private final ScenarioCodec codec;
    private final ReplayClock clock;
    private final StopSignal stop;
    private final boolean rebase;
    private final RecordKeys keys;
    private final Schedule schedule;
    private long startEpochMs;
    private long shiftMs;

    ScenarioPass(ScenarioPlan plan, ScenarioCodec codec, Speed speed, TopicRouting routing, Publisher publisher,
            ReplayClock clock, ReplayTally tally, StopSignal stop, LongConsumer progress, boolean rebase,
            RecordKeys keys) {
        this.plan = plan;
        this.codec = codec;
        this.clock = clock;
        this.stop = stop;
        this.rebase = rebase;
        this.keys = keys;
        this.schedule = new Schedule(plan.baseMs(), plan.endMs(), speed, routing, publisher, clock, tally, stop, progress);
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
        long startNanos = clock.nanoTime();
        startEpochMs = clock.epochMillis();
        if (rebase && plan.scenarioStartEpochMs() != ScenarioPlan.NO_EVENTS) {
            shiftMs = startEpochMs - (plan.scenarioStartEpochMs() + plan.baseMs());
        }
        schedule.start(startNanos);
        boolean completed = false;
        try (RecordSource records = plan.sliceable() && shiftMs == 0 && !keys.rewrites()
                ? new RecordSource.Slicing(plan.file())
                : new RecordSource.Decoding(plan.file(), codec, shiftMs, keys)) {
            long position = 0;
            while (records.next() && !stop.requested()) {
                long pos = position++;
                if (pos < plan.from()) {
                    continue;
                }
                if (pos >= plan.to()) {
                    break;
                }
                schedule.publish(records.current());
            }
            schedule.endAll();
            completed = !stop.requested();
        } finally {
            schedule.abortOpenTransactions();
        }
        return completed;
    }
}
