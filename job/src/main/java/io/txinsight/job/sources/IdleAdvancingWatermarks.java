package io.txinsight.job.sources;

import io.txinsight.job.records.DecodedRecord;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import java.util.function.LongSupplier;

/**
 * The monitor view's clock for one Kafka partition: bounded out-of-orderness while events flow,
 * and, once the partition has been silent for {@code idleAdvanceAfterMs}, a watermark that keeps
 * moving with the wall clock.
 *
 * <p>Why (docs/design.md §3): stuck detection matters most when every producer has died, and that is
 * exactly when a plain watermark stops and event-time timers never fire. {@code withIdleness}
 * does not help: it only takes an idle split out of the minimum, and when all splits are idle
 * nothing advances at all. So a silent partition behaves as if its clock kept running from its
 * last event: {@code wm = max(last emitted, min(now, maxTs - outOfOrderness - 1 + silentMs))},
 * never ahead of the wall clock and never backwards.
 *
 * <p>Silence is measured from the first periodic check after the last event rather than from the
 * event itself: if this source's own thread stalls (a GC pause, a starved CPU), the first check
 * after the stall still sees the events that arrived before it and counts no silence, so a stall
 * is not mistaken for dead producers. It makes the advance at most one watermark interval
 * ({@code pipeline.auto-watermark-interval}, 200 ms by default) more conservative.
 *
 * <p>A partition that has delivered no event for {@code idleAdvanceAfterMs} since it was assigned
 * marks itself idle so it does not hold back the others (an empty partition has no clock to
 * offer). Not at once: at start-up the readers of a topic begin fetching at different moments, and
 * a partition marked idle before its backlog arrives would let the others' clock run ahead of all
 * its events, which would then arrive late. Dead letters are not events: a bad record never moves
 * time.
 *
 * <p>Silence is only trusted from a reader that had caught up. A reader draining a backlog, or
 * held back by backpressure, also stops emitting for a while, and advancing the clock then would
 * run it past events still waiting in Kafka, which would all arrive late. So the wait before the
 * advance grows by how far behind the reader was when it read its latest event: that event's
 * Kafka timestamp (when it was produced, or appended) against the time it was read. A reader that
 * keeps up (lag of milliseconds) advances after {@code idleAdvanceAfterMs}; one that was 30 s
 * behind waits 30 s more. Producers that stamp old event times into the Kafka timestamp make every
 * read look late and delay the advance accordingly.
 *
 * <p><b>An outage is not silence.</b> Silence only counts while the reader's consumer is getting
 * answers from the brokers ({@link FetchHealth}): a broker that is down, a leader that is missing,
 * credentials that are refused all stop the records just as dead producers do, but the
 * transactions in flight are not silent, their records are merely out of reach. Time without
 * answers ({@code fetchAgeMs} above {@link #FETCHING_WITHIN_MS}) adds nothing to the silence, so
 * the clock waits for the input to come back instead of running past the records still in Kafka,
 * which would then arrive late and behind alerts they did not deserve. A held-back reader (full
 * queue, backpressure) stops fetching too, and its pause does not count either. When answers come
 * back, the producers that were cut off too are still draining what they buffered, with backoff,
 * and they do not all resume at once: until the idle wait plus the time without answers has passed
 * since the answers came back, no silence is believed, even if events arrive meanwhile (they may
 * be those of the first producer to recover).
 *
 * <p><b>A stall of this source's thread is not silence either.</b> The thread that asks for
 * watermarks also runs the operators chained to the source, and one of them can block it for as
 * long as Kafka is away (most likely the dead-letter topic's exactly-once writer at a checkpoint,
 * not pinned down). The
 * first check after such a stall finds the consumer answering again, and the stall's whole length
 * would have counted as silence at once: the clock jumped past the transactions whose records
 * were still on their way, and raised stuck alerts they did not deserve ({@code
 * BrokerOutageE2ETest} caught it about once in fifteen runs). Whether the brokers answered during
 * a stall is unknown, so a gap between two checks longer than {@link #FETCHING_WITHIN_MS}, and
 * than twice the shortest gap seen (the watermark interval), counts as time without answers: no
 * silence, and the catch-up allowance above when the answers are seen again. A generator that
 * cannot tell an outage from silence (no {@link FetchHealth}) counts every quiet moment, stalls
 * included, as before.
 */
public class IdleAdvancingWatermarks implements WatermarkGenerator<DecodedRecord> {

    /**
     * A consumer that completed a fetch this recently is getting answers: an empty fetch takes up to
     * {@code fetch.max.wait.ms} (500 ms), and the fetch count is looked at every watermark interval.
     */
    static final long FETCHING_WITHIN_MS = 1_500;

    private final long outOfOrdernessMs;
    private final long idleAdvanceAfterMs;
    private final WallClock clock;
    /** Milliseconds since the reader's consumer last got an answer, or {@link FetchHealth#UNKNOWN}. */
    private final LongSupplier fetchAgeMs;

    private boolean seenEvent;
    private long maxTs = Long.MIN_VALUE;
    private boolean eventsSinceLastCheck;
    /** How far behind the reader was when it read the latest event, ms. */
    private long readLagMs;
    /** Silence since the first periodic check after the latest event, counted only while fetching. */
    private long silentMs;
    /** Length of the current time without answers: producers held back as long need as long to catch up. */
    private long unansweredMs;
    /** Wall-clock ms before which silence is not believed: the catch-up allowance after outages. */
    private long heldUntilWallMs = Long.MIN_VALUE;
    private long lastCheckWallMs;
    /** The shortest time between two checks seen: the watermark interval, as far as it shows. */
    private long shortestGapMs = Long.MAX_VALUE;
    private long lastEmitted = Long.MIN_VALUE;
    private boolean idle;
    private final long assignedWallMs;

    /** A generator that cannot tell an outage from silence: every quiet moment counts. */
    public IdleAdvancingWatermarks(long outOfOrdernessMs, long idleAdvanceAfterMs, WallClock clock) {
        this(outOfOrdernessMs, idleAdvanceAfterMs, clock, () -> FetchHealth.UNKNOWN);
    }

    /** @param fetchAgeMs milliseconds since the reader's consumer last got an answer ({@link FetchHealth.Watch}) */
    public IdleAdvancingWatermarks(
            long outOfOrdernessMs, long idleAdvanceAfterMs, WallClock clock, LongSupplier fetchAgeMs) {
        if (outOfOrdernessMs < 0) {
            throw new IllegalArgumentException("out-of-orderness must not be negative: " + outOfOrdernessMs);
        }
        if (idleAdvanceAfterMs <= 0) {
            throw new IllegalArgumentException("idle-advance-after must be positive: " + idleAdvanceAfterMs);
        }
        this.outOfOrdernessMs = outOfOrdernessMs;
        this.idleAdvanceAfterMs = idleAdvanceAfterMs;
        this.clock = clock;
        this.fetchAgeMs = fetchAgeMs;
        this.assignedWallMs = clock.nowMs();
        this.lastCheckWallMs = assignedWallMs;
    }

    @Override
    public void onEvent(DecodedRecord record, long eventTimestamp, WatermarkOutput output) {
        if (!record.isEvent()) {
            return;
        }
        seenEvent = true;
        maxTs = Math.max(maxTs, eventTimestamp);
        eventsSinceLastCheck = true;
        readLagMs = record.kafkaTimestamp < 0 ? 0 : Math.max(0, record.event.seenAtMs - record.kafkaTimestamp);
        if (idle) {
            idle = false;
            output.markActive();
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long now = clock.nowMs();
        long sinceLastCheck = now - lastCheckWallMs;
        lastCheckWallMs = now;
        long fetchAge = fetchAgeMs.getAsLong();
        boolean healthKnown = fetchAge != FetchHealth.UNKNOWN;
        boolean stalled = healthKnown && stalled(sinceLastCheck);
        if (!seenEvent) {
            if (now - assignedWallMs >= idleAdvanceAfterMs) {
                idle = true;
                output.markIdle();
            }
            return;
        }
        long bounded = maxTs - outOfOrdernessMs - 1;
        long candidate = bounded;
        boolean answering = !healthKnown || fetchAge <= FETCHING_WITHIN_MS;
        if (!answering || stalled) {
            unansweredMs += sinceLastCheck;
        }
        if (answering && unansweredMs > 0) {
            // Answers are back after unansweredMs without. The producers cut off as long are still
            // draining what they buffered, and not all at once: for as long again after the usual
            // idle wait, silence is not believed here, whatever arrives meanwhile. An event must not
            // end that allowance: it may come from the producer that recovered first, and trusting
            // silence from then on would run the clock past the records of those still catching up.
            heldUntilWallMs = Math.max(heldUntilWallMs, now + idleAdvanceAfterMs) + unansweredMs;
            unansweredMs = 0;
        }
        if (eventsSinceLastCheck) {
            eventsSinceLastCheck = false;
            silentMs = 0;
        } else if (answering && !stalled) {
            silentMs += sinceLastCheck;
        }
        if (silentMs >= idleAdvanceAfterMs + readLagMs && now >= heldUntilWallMs + readLagMs) {
            candidate = Math.max(bounded, Math.min(now, bounded + silentMs));
        }
        if (candidate > lastEmitted) {
            lastEmitted = candidate;
            output.emitWatermark(new Watermark(candidate));
        }
    }

    /**
     * Whether this thread stalled between two checks: a gap longer than the answers' grace and
     * than twice the watermark interval (the shortest gap seen; the first gap only teaches it).
     */
    private boolean stalled(long gapMs) {
        boolean stalled = shortestGapMs != Long.MAX_VALUE
                && gapMs > Math.max(FETCHING_WITHIN_MS, 2 * shortestGapMs);
        shortestGapMs = Math.min(shortestGapMs, gapMs);
        return stalled;
    }

    /** The last watermark emitted, or {@link Long#MIN_VALUE}; for tests. */
    long lastEmitted() {
        return lastEmitted;
    }
}
