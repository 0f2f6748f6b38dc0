package io.txinsight.job.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.txinsight.events.DeadLetter;
import io.txinsight.events.EventType;
import io.txinsight.job.records.DecodedRecord;
import io.txinsight.job.records.View;
import io.txinsight.job.records.ViewEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

class IdleAdvancingWatermarksTest {

    private static final long T0 = 1_790_000_000_000L;
    private static final long OOO = 2_000;
    private static final long IDLE_AFTER = 2_000;

    private long now = T0;
    private final IdleAdvancingWatermarks gen = new IdleAdvancingWatermarks(OOO, IDLE_AFTER, () -> now);
    private final Output out = new Output();

    private void event(long ts) {
        event(gen, ts);
    }

    private void event(IdleAdvancingWatermarks generator, long ts) {
        ViewEvent e = new ViewEvent();
        e.view = View.MONITOR;
        e.eventType = EventType.STEP_OPEN;
        e.txnId = "t";
        e.ts = ts;
        generator.onEvent(DecodedRecord.event(e), ts, out);
    }

    private long emit() {
        gen.onPeriodicEmit(out);
        return gen.lastEmitted();
    }

    @Test
    void boundedOutOfOrdernessWhileEventsFlow() {
        event(T0);
        assertThat(emit()).isEqualTo(T0 - OOO - 1);
        now += 500;
        event(T0 + 500);
        event(T0 + 100); // out of order: does not pull the watermark back
        assertThat(emit()).isEqualTo(T0 + 500 - OOO - 1);
        assertThat(out.watermarks).containsExactly(T0 - OOO - 1, T0 + 500 - OOO - 1);
    }

    @Test
    void aSilentPartitionAdvancesWithTheWallClockAfterTheIdleThreshold() {
        event(T0);
        emit();
        now += IDLE_AFTER - 1;
        assertThat(emit()).as("not yet idle").isEqualTo(T0 - OOO - 1);

        now = T0 + IDLE_AFTER;
        assertThat(emit()).isEqualTo(T0 - OOO - 1 + IDLE_AFTER);
        now = T0 + 60_000;
        assertThat(emit()).as("keeps moving with the wall clock").isEqualTo(T0 - OOO - 1 + 60_000);
        assertThat(out.idle).isFalse();
    }

    @Test
    void anOutageIsNotSilence() {
        long[] lastAnswerAt = {T0};
        IdleAdvancingWatermarks cutOff = new IdleAdvancingWatermarks(OOO, IDLE_AFTER, () -> now, () -> now - lastAnswerAt[0]);
        event(cutOff, T0);
        cutOff.onPeriodicEmit(out);
        // The brokers answer for 1 s, then not at all for a minute (every 200 ms a look).
        for (now = T0 + 200; now <= T0 + 60_000; now += 200) {
            if (now <= T0 + 1_000) {
                lastAnswerAt[0] = now;
            }
            cutOff.onPeriodicEmit(out);
        }
        // Silence seen: the second of answers, and the grace before missing answers count.
        assertThat(cutOff.lastEmitted())
                .as("the clock stops once answers stop")
                .isLessThanOrEqualTo(T0 - OOO - 1 + 1_000 + IdleAdvancingWatermarks.FETCHING_WITHIN_MS);
        long stoppedAt = cutOff.lastEmitted();

        // Answers again. The producers cut off with it are still draining their buffers: silence is
        // believed only after the idle threshold plus as long as the answers were missing.
        long answersBack = now;
        long firstAdvance = checksWithAnswers(cutOff, lastAnswerAt, stoppedAt, T0 + 140_000);
        long outage = answersBack - (T0 + 1_000) - IdleAdvancingWatermarks.FETCHING_WITHIN_MS;
        assertThat(firstAdvance - answersBack).as("wait after the outage, ms")
                .isGreaterThanOrEqualTo(outage - 1_000).isLessThanOrEqualTo(outage + IDLE_AFTER + 400);
        assertThat(cutOff.lastEmitted()).as("the outage's minute never counted as silence")
                .isLessThanOrEqualTo(T0 - OOO - 1 + (now - answersBack) + 2_500);
    }

    /**
     * The broker-kill drill's case: after an outage the first producer to recover writes a few
     * events, the others are still catching up. Those events must not make the partition's silence
     * believed after the idle wait alone: the allowance for the outage still runs.
     */
    @Test
    void anEventAfterAnOutageDoesNotCutTheOtherProducersCatchUpShort() {
        long[] lastAnswerAt = {T0};
        IdleAdvancingWatermarks cutOff = new IdleAdvancingWatermarks(OOO, IDLE_AFTER, () -> now, () -> now - lastAnswerAt[0]);
        event(cutOff, T0);
        cutOff.onPeriodicEmit(out);
        // No answers for 20 s.
        for (now = T0 + 200; now <= T0 + 20_000; now += 200) {
            cutOff.onPeriodicEmit(out);
        }
        long answersBack = now;
        // Answers again; 400 ms later one producer's backlog event arrives (event time 1 s later).
        for (; now <= answersBack + 400; now += 200) {
            lastAnswerAt[0] = now;
            cutOff.onPeriodicEmit(out);
        }
        event(cutOff, T0 + 1_000);
        long afterEvent = T0 + 1_000 - OOO - 1;
        long firstAdvance = checksWithAnswers(cutOff, lastAnswerAt, afterEvent, answersBack + 60_000);
        assertThat(firstAdvance - answersBack)
                .as("silence believed only after the idle wait plus the outage's length, counted from the answers' return")
                .isGreaterThanOrEqualTo(IDLE_AFTER + 20_000 - IdleAdvancingWatermarks.FETCHING_WITHIN_MS - 200);
    }

    /**
     * BrokerOutageE2ETest's case: a chained operator blocks the source's thread for as long as
     * Kafka is away, and the first check after it finds the consumer answering again. The stall
     * must count as time without answers, not as 20 s of silence at once.
     */
    @Test
    void aStallOfTheSourceThreadWhileKafkaIsAwayIsNotSilence() {
        long[] lastAnswerAt = {T0};
        IdleAdvancingWatermarks gen = new IdleAdvancingWatermarks(OOO, IDLE_AFTER, () -> now, () -> now - lastAnswerAt[0]);
        event(gen, T0);
        now = T0 + 200;
        checksWithAnswers(gen, lastAnswerAt, T0 + 1_000);
        long beforeStall = gen.lastEmitted();
        // No check for 20 s; the brokers are back by the end of it, and answering when it ends.
        now = T0 + 21_000;
        lastAnswerAt[0] = now;
        gen.onPeriodicEmit(out);
        assertThat(gen.lastEmitted()).as("the stall counted as no silence").isEqualTo(beforeStall);

        long stallEnded = now;
        now += 200;
        long firstAdvance = checksWithAnswers(gen, lastAnswerAt, beforeStall, stallEnded + 60_000);
        assertThat(firstAdvance - stallEnded)
                .as("silence believed after the idle wait plus the stall, as after an outage")
                .isGreaterThanOrEqualTo(IDLE_AFTER + 20_000)
                .isLessThanOrEqualTo(IDLE_AFTER + 20_000 + 400);
    }

    @Test
    void aLongWatermarkIntervalIsNotTakenForStalls() {
        // pipeline.auto-watermark-interval set to 2 s: every gap is longer than the answers' grace.
        long[] lastAnswerAt = {T0};
        IdleAdvancingWatermarks gen = new IdleAdvancingWatermarks(OOO, IDLE_AFTER, () -> now, () -> now - lastAnswerAt[0]);
        event(gen, T0);
        for (now = T0 + 2_000; now <= T0 + 60_000; now += 2_000) {
            lastAnswerAt[0] = now - 300;
            gen.onPeriodicEmit(out);
        }
        assertThat(gen.lastEmitted()).as("silence still moves the clock with the wall clock")
                .isGreaterThanOrEqualTo(T0 - OOO - 1 + 60_000 - 2_000);
    }

    @Test
    void theFirstCheckAfterTheFirstEventCountsOnlyItsOwnGap() {
        // Assigned at T0 and empty for a minute; its first event is followed by a check that finds
        // the consumer without answers for the moment. Only that check's gap is time without
        // answers, not all the time since the generator was made (once: for ever).
        long[] lastAnswerAt = {T0};
        IdleAdvancingWatermarks gen = new IdleAdvancingWatermarks(OOO, IDLE_AFTER, () -> now, () -> now - lastAnswerAt[0]);
        now = T0 + 200;
        checksWithAnswers(gen, lastAnswerAt, T0 + 59_800);
        lastAnswerAt[0] = now - 3_000;
        event(gen, now);
        long eventAt = now;
        gen.onPeriodicEmit(out);
        now += 200;
        long firstAdvance = checksWithAnswers(gen, lastAnswerAt, eventAt - OOO - 1, eventAt + 30_000);
        assertThat(firstAdvance).as("the clock advances again").isPositive();
        assertThat(firstAdvance - eventAt).as("after the idle wait and that one gap")
                .isLessThanOrEqualTo(IDLE_AFTER + 1_000);
    }

    @Test
    void neverAheadOfTheWallClock() {
        // Events stamped ahead of this machine's clock (producer clock skew).
        event(now + 10_000);
        emit();
        now += 30_000;
        long wm = emit();
        assertThat(wm).isLessThanOrEqualTo(now);
        assertThat(wm).isEqualTo(now);

        // Far-future stamps: bounded out-of-orderness applies, the idle advance adds nothing.
        IdleAdvancingWatermarks skewed = new IdleAdvancingWatermarks(OOO, IDLE_AFTER, () -> now);
        ViewEvent e = new ViewEvent();
        e.ts = now + 100_000;
        skewed.onEvent(DecodedRecord.event(e), e.ts, out);
        skewed.onPeriodicEmit(out);
        long first = skewed.lastEmitted();
        now += 50_000;
        skewed.onPeriodicEmit(out);
        assertThat(skewed.lastEmitted()).isEqualTo(first);
    }

    @Test
    void neverGoesBackwards() {
        event(T0);
        emit();
        now += 10_000;
        long advanced = emit();
        assertThat(advanced).isEqualTo(T0 - OOO - 1 + 10_000);
        // A late event resets the silence but must not pull the watermark back.
        event(T0 + 1_000);
        assertThat(emit()).isEqualTo(advanced);
        for (int i = 1; i < out.watermarks.size(); i++) {
            assertThat(out.watermarks.get(i)).isGreaterThan(out.watermarks.get(i - 1));
        }
    }

    @Test
    void aReaderThatWasBehindWaitsLongerBeforeTrustingSilence() {
        // Read at T0 a record produced 5 s earlier: the reader is draining a backlog (or held back
        // by backpressure), so a pause is not yet evidence that the producers stopped.
        ViewEvent e = new ViewEvent();
        e.ts = T0;
        e.seenAtMs = now;
        gen.onEvent(DecodedRecord.event(e).withKafkaTimestamp(now - 5_000), T0, out);
        emit();
        now += IDLE_AFTER;
        assertThat(emit()).as("silent for the idle threshold only").isEqualTo(T0 - OOO - 1);
        now += 5_000;
        assertThat(emit()).isEqualTo(T0 - OOO - 1 + IDLE_AFTER + 5_000);
    }

    @Test
    void aStallOfTheSourceItselfIsNotSilence() {
        event(T0);
        // The source thread stalls for 5 s (GC, CPU starvation) right after reading this event:
        // the first check after the stall still sees it, so no silence is counted yet.
        now += 5_000;
        assertThat(emit()).isEqualTo(T0 - OOO - 1);
        now += IDLE_AFTER;
        assertThat(emit()).as("genuine silence after the stall").isEqualTo(T0 - OOO - 1 + IDLE_AFTER);
    }

    @Test
    void aPartitionThatNeverSawAnEventMarksItselfIdleAfterTheIdleThreshold() {
        emit();
        assertThat(out.idle).as("just assigned: its backlog may still be on the way").isFalse();
        now += IDLE_AFTER;
        emit();
        assertThat(out.idle).isTrue();
        assertThat(out.watermarks).isEmpty();

        event(T0 + 60_000);
        assertThat(out.idle).as("the first event makes it active again").isFalse();
        assertThat(emit()).isEqualTo(T0 + 60_000 - OOO - 1);
    }

    @Test
    void deadLettersDoNotMoveTime() {
        DeadLetter d = new DeadLetter("t", 0, 1, "monitor", "NOT_JSON", null, "bad", null, null, null);
        gen.onEvent(DecodedRecord.deadLetter(d), T0 + 1_000_000, out);
        now += IDLE_AFTER;
        emit();
        assertThat(out.idle).as("still never saw an event").isTrue();
        assertThat(out.watermarks).isEmpty();
    }

    @Test
    void rejectsSettingsThatMakeNoSense() {
        assertThatThrownBy(() -> new IdleAdvancingWatermarks(-1, 1, () -> 0))
                .hasMessageContaining("out-of-orderness");
        assertThatThrownBy(() -> ViewWatermarks.monitor(0, 0)).hasMessageContaining("idle-advance-after");
    }

    /** Checks every 200 ms from now to {@code until}, the brokers answering each time. */
    private void checksWithAnswers(IdleAdvancingWatermarks generator, long[] lastAnswerAt, long until) {
        checksWithAnswers(generator, lastAnswerAt, Long.MAX_VALUE, until);
    }

    /**
     * Checks every 200 ms from now to {@code until}, the brokers answering each time; the wall-clock
     * time of the first watermark above {@code above}, or -1 if none was.
     */
    private long checksWithAnswers(IdleAdvancingWatermarks generator, long[] lastAnswerAt, long above, long until) {
        long first = -1;
        for (; now <= until; now += 200) {
            lastAnswerAt[0] = now;
            generator.onPeriodicEmit(out);
            if (first < 0 && generator.lastEmitted() > above) {
                first = now;
            }
        }
        return first;
    }

    private static final class Output implements WatermarkOutput {
        final List<Long> watermarks = new ArrayList<>();
        boolean idle;

        @Override
        public void emitWatermark(Watermark watermark) {
            watermarks.add(watermark.getTimestamp());
            idle = false;
        }

        @Override
        public void markIdle() {
            idle = true;
        }

        @Override
        public void markActive() {
            idle = false;
        }
    }
}
