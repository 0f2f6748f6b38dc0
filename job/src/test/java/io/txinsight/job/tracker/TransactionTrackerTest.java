package io.txinsight.job.tracker;

import static io.txinsight.events.CloseStatus.FAILED;
import static io.txinsight.events.CloseStatus.SUCCESS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.txinsight.events.Alert;
import io.txinsight.events.Outcome;
import io.txinsight.events.Verdict;
import io.txinsight.job.records.ViewEvent;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.Test;

/**
 * One test per transition of docs/design.md §2, driven with exact watermarks. Timings (see {@link
 * TrackerFixture#settings()}): stuck 10 s, abort grace 5 s, re-check 1 s, retention 100 s.
 * Every test ends with no keyed state and no timers left.
 */
class TransactionTrackerTest {

    @Test
    void openStepsCloseSeenUncommittedThenCommittedIsClosed() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            ViewEvent open = fx.open("t1", 1_000, "payment");
            ViewEvent aOpen = fx.stepOpen("t1", 1_100, "authorize");
            ViewEvent aDone = fx.stepDone("t1", 1_300, "authorize");
            ViewEvent bOpen = fx.stepOpen("t1", 1_400, "capture");
            ViewEvent bDone = fx.stepDone("t1", 1_700, "capture");
            ViewEvent close = fx.close("t1", 2_000, SUCCESS);

            fx.monitor(open, aOpen, aDone, bOpen, bDone);
            fx.monitorSeenAt(close, 50_000);
            fx.clock(2_500);
            assertThat(fx.outcomes()).as("tentatively closed only").isEmpty();
            assertThat(fx.live().tentativelyClosedNow()).isEqualTo(1);
            assertThat(fx.live().openNow()).isZero();

            fx.committed(open, aOpen, aDone, bOpen, bDone);
            fx.committedSeenAt(close, 50_040);

            Outcome o = fx.onlyOutcome();
            assertThat(o.txnId()).isEqualTo("t1");
            assertThat(o.txnType()).isEqualTo("payment");
            assertThat(o.state()).isEqualTo(Outcome.State.CLOSED);
            assertThat(o.result()).isEqualTo(SUCCESS);
            assertThat(o.verdict()).isEqualTo(Verdict.CLOSED_SUCCESS);
            assertThat(o.openedAtMs()).isEqualTo(1_000L);
            assertThat(o.closedAtMs()).isEqualTo(2_000L);
            assertThat(o.durationMs()).isEqualTo(1_000L);
            assertThat(o.commitLatencyMs()).isEqualTo(40L);
            assertThat(o.steps()).isEqualTo(2);
            assertThat(o.lastStep()).isEqualTo("capture");
            assertThat(o.wasStuck()).isFalse();
            assertThat(o.outlier()).isFalse();
            assertThat(o.decidedAtMs()).isEqualTo(2_500L);
            assertThat(fx.alerts()).isEmpty();

            RecordingMetrics m = fx.metrics();
            assertThat(m.count("opened")).isEqualTo(1);
            assertThat(m.count("tentativelyClosed")).isEqualTo(1);
            assertThat(m.count("closed:success")).isEqualTo(1);
            assertThat(m.count("duplicate:monitor") + m.count("duplicate:committed")).isZero();
            assertThat(m.samples("tentativeDuration")).containsExactly(1_000L);
            assertThat(m.samples("committedDuration")).containsExactly(1_000L);
            assertThat(m.samples("commitLatency")).containsExactly(40L);
            assertThat(m.samples("stepDuration:authorize")).containsExactly(200L);
            assertThat(m.samples("stepDuration:capture")).containsExactly(300L);
            assertThat(m.samples("interStepGap")).containsExactly(100L, 100L);
            fx.assertNothingLeft();
        }
    }

    @Test
    void closedWaitsForTheMonitorClockToPassTheClose() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            ViewEvent open = fx.open("t1", 1_000, "payment");
            ViewEvent step = fx.stepDone("t1", 1_500, "authorize");
            ViewEvent close = fx.close("t1", 2_000, FAILED);
            fx.monitor(open, close);
            fx.committed(open, close);
            fx.clock(1_999);
            assertThat(fx.outcomes()).as("the step before the close may still come").isEmpty();

            fx.monitor(step);
            fx.clock(2_000);

            Outcome o = fx.onlyOutcome();
            assertThat(o.verdict()).isEqualTo(Verdict.CLOSED_FAILED);
            assertThat(o.steps()).isEqualTo(1);
            assertThat(o.lastStep()).isEqualTo("authorize");
            assertThat(fx.metrics().count("closed:failed")).isEqualTo(1);
            fx.assertNothingLeft();
        }
    }

    @Test
    void closeBeforeOpenAndBeforeTheLastStep() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            ViewEvent open = fx.open("t1", 1_000, "transfer");
            ViewEvent sOpen = fx.stepOpen("t1", 1_200, "debit");
            ViewEvent sDone = fx.stepDone("t1", 1_600, "debit");
            ViewEvent close = fx.close("t1", 3_000, SUCCESS);

            fx.monitor(close, sDone);
            assertThat(fx.live().tentativelyClosedNow()).isEqualTo(1);
            fx.monitor(sOpen, open);
            fx.committed(close, sDone, sOpen, open);
            assertThat(fx.outcomes()).isEmpty();
            fx.clock(3_000);

            Outcome o = fx.onlyOutcome();
            assertThat(o.state()).isEqualTo(Outcome.State.CLOSED);
            assertThat(o.txnType()).isEqualTo("transfer");
            assertThat(o.openedAtMs()).isEqualTo(1_000L);
            assertThat(o.durationMs()).isEqualTo(2_000L);
            assertThat(o.steps()).isEqualTo(1);
            RecordingMetrics m = fx.metrics();
            assertThat(m.count("opened")).isEqualTo(1);
            assertThat(m.count("tentativelyClosed")).isEqualTo(1);
            assertThat(m.samples("tentativeDuration")).as("reported once the open arrived").containsExactly(2_000L);
            assertThat(m.samples("stepDuration:debit")).as("done before open").containsExactly(400L);
            assertThat(m.samples("committedDuration")).containsExactly(2_000L);
            fx.assertNothingLeft();
        }
    }

    @Test
    void duplicateCloseInBothViewsCountsOnce() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            ViewEvent open = fx.open("t1", 1_000, "payment");
            ViewEvent close = fx.close("t1", 2_000, SUCCESS);
            fx.monitor(open, open, close, close);
            fx.clock(2_100);
            fx.committed(open, open, close);
            fx.committed(close); // after Closed: a straggler copy, no new transaction

            Outcome o = fx.onlyOutcome();
            assertThat(o.state()).isEqualTo(Outcome.State.CLOSED);
            RecordingMetrics m = fx.metrics();
            assertThat(m.count("opened")).isEqualTo(1);
            assertThat(m.count("tentativelyClosed")).isEqualTo(1);
            assertThat(m.count("closed:success")).isEqualTo(1);
            assertThat(m.count("duplicate:monitor")).isEqualTo(2);
            assertThat(m.count("duplicate:committed")).isEqualTo(2);
            assertThat(m.samples("committedDuration")).hasSize(1);
            fx.clock(500_000);
            assertThat(fx.outcomes()).hasSize(1);
            fx.assertNothingLeft();
        }
    }

    @Test
    void aResendAfterTheOutcomeDoesNotStartAPhantomTransaction() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            ViewEvent open = fx.open("t1", 1_000, "payment");
            ViewEvent close = fx.close("t1", 2_000, SUCCESS);
            fx.monitor(open, close);
            fx.committed(open, close);
            fx.clock(3_000);
            assertThat(fx.outcomes()).hasSize(1);

            ViewEvent resentOpen = fx.open("t1", 1_000, "payment"); // a producer resend, new offset
            fx.monitor(resentOpen);
            fx.committed(resentOpen);
            assertThat(fx.harness.numKeyedStateEntries()).isZero();
            assertThat(fx.metrics().count("duplicate:monitor")).isEqualTo(1);
            assertThat(fx.metrics().count("duplicate:committed")).isEqualTo(1);
            assertThat(fx.metrics().count("opened")).isEqualTo(1);
            fx.clock(500_000);
            assertThat(fx.outcomes()).hasSize(1);
            fx.assertNothingLeft();
        }
    }

    @Test
    void anAbortedTransactionMayBeRetriedUnderTheSameId() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            ViewEvent open = fx.open("t1", 1_000, "payment");
            ViewEvent close = fx.close("t1", 2_000, SUCCESS);
            ViewEvent other = fx.open("t2", 2_500, "payment");
            fx.monitor(open, close, other);
            fx.committed(other);
            fx.clock(7_000);
            assertThat(fx.outcomes()).extracting(Outcome::verdict).containsExactly(Verdict.ABORTED);

            ViewEvent retryOpen = fx.open("t1", 8_000, "payment");
            ViewEvent retryClose = fx.close("t1", 9_000, SUCCESS);
            fx.monitor(retryOpen, retryClose);
            fx.committed(retryOpen, retryClose);
            fx.clock(9_000);
            assertThat(fx.outcomes()).extracting(Outcome::verdict)
                    .containsExactly(Verdict.ABORTED, Verdict.CLOSED_SUCCESS);
            fx.clock(500_000);
            fx.assertNothingLeft();
        }
    }

    @Test
    void committedViewFirstMeansNoTentativeCloseAndZeroCommitLatency() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            ViewEvent open = fx.open("t1", 1_000, "payment");
            ViewEvent close = fx.close("t1", 2_000, SUCCESS);
            fx.committed(open, close); // the monitor consumer is behind this time
            assertThat(fx.live().openNow()).isZero();
            fx.monitor(open, close);
            fx.clock(2_000);

            Outcome o = fx.onlyOutcome();
            assertThat(o.commitLatencyMs()).isEqualTo(0L);
            assertThat(o.durationMs()).isEqualTo(1_000L);
            assertThat(fx.metrics().count("tentativelyClosed")).isZero();
            assertThat(fx.metrics().count("opened")).isEqualTo(1);
            fx.assertNothingLeft();
        }
    }

    @Test
    void abortedOnlyWithEvidenceFromALaterCommittedRecordOfTheSamePartition() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            ViewEvent open = fx.open("t1", 1_000, "payment");
            ViewEvent close = fx.close("t1", 2_000, SUCCESS); // its Kafka transaction will abort
            fx.monitor(open, close);
            fx.committed(open);
            fx.clock(2_000 + 5_000 + 20_000);
            assertThat(fx.outcomes()).as("time alone is no evidence").isEmpty();

            // Committed records that prove nothing: another partition. (Seen only committed, t9
            // itself simply closes: its monitor copy may just be late.)
            ViewEvent otherPartition = fx.close("t9", 26_000, SUCCESS, 1);
            fx.committed(otherPartition);
            fx.clock(30_000);
            assertThat(fx.outcomes()).extracting(Outcome::txnId)
                    .as("a later offset on another partition is no evidence").containsExactly("t9");
            assertThat(fx.live().tentativelyClosedNow()).isEqualTo(1);

            // A later committed record of the same partition: the close was skipped, so aborted.
            ViewEvent later = fx.open("t2", 31_000, "payment");
            fx.monitor(later);
            fx.committed(later);
            assertThat(fx.outcomes()).extracting(Outcome::txnId).as("decided at the next re-check").containsExactly("t9");
            fx.clock(31_000);

            List<Outcome> out = fx.outcomes();
            assertThat(out).hasSize(2);
            Outcome o = out.get(1);
            assertThat(o.txnId()).isEqualTo("t1");
            assertThat(o.verdict()).isEqualTo(Verdict.ABORTED);
            assertThat(o.result()).isNull();
            assertThat(o.commitLatencyMs()).isNull();
            assertThat(o.closedAtMs()).isEqualTo(2_000L);
            assertThat(o.durationMs()).isEqualTo(1_000L);
            assertThat(o.decidedAtMs()).isEqualTo(31_000L);
            assertThat(fx.metrics().count("aborted")).isEqualTo(1);

            // finish the others
            fx.monitor(fx.close("t2", 32_000, SUCCESS));
            fx.clock(200_000);
            fx.assertNothingLeft();
        }
    }

    @Test
    void abortedAtTheGraceDeadlineWhenEvidenceCameEarly() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            ViewEvent close = fx.close("t1", 2_000, SUCCESS);
            ViewEvent next = fx.open("t2", 2_100, "payment");
            fx.monitor(close, next);
            fx.committed(next); // the committed view passed the close right away
            fx.clock(6_999);
            assertThat(fx.outcomes()).as("still within the grace").isEmpty();
            fx.clock(7_000);
            assertThat(fx.onlyOutcome().verdict()).isEqualTo(Verdict.ABORTED);
            assertThat(fx.onlyOutcome().openedAtMs()).isNull();
            fx.clock(500_000);
            fx.assertNothingLeft();
        }
    }

    @Test
    void aClockThatJumpsPastTheFirstAbortCheckDecidesAsOfThatCheck() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            ViewEvent open = fx.open("t1", 1_000, "payment");
            ViewEvent close = fx.close("t1", 9_000, SUCCESS); // first abort check at 14,000
            ViewEvent next = fx.open("t2", 9_100, "payment");
            fx.monitor(open, close, next);
            fx.committed(open, next); // evidence at once; the pending wake-up is still the stuck one (11,000)
            fx.clock(20_000);
            Outcome o = fx.onlyOutcome();
            assertThat(o.verdict()).isEqualTo(Verdict.ABORTED);
            assertThat(o.decidedAtMs()).as("as a creeping clock would have decided").isEqualTo(14_000L);
            fx.clock(500_000);
            fx.assertNothingLeft();
        }
    }

    @Test
    void aResentCloseMovesTheEvidenceBar() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            ViewEvent close = fx.close("t1", 2_000, SUCCESS); // aborted attempt, offset 0
            ViewEvent between = fx.open("t2", 2_100, "payment"); // offset 1, committed
            ViewEvent retry = fx.close("t1", 2_000, SUCCESS); // the retry, offset 2, committed
            fx.monitor(close, between, retry);
            fx.committed(between);
            fx.clock(10_000);
            assertThat(fx.outcomes()).as("offset 1 passes the first copy, not the retry").isEmpty();
            fx.committed(retry);
            assertThat(fx.onlyOutcome().verdict()).isEqualTo(Verdict.CLOSED_SUCCESS);
            assertThat(fx.metrics().count("duplicate:monitor")).isEqualTo(1);
            fx.clock(500_000);
            fx.assertNothingLeft();
        }
    }

    @Test
    void tentativelyClosedWithoutEvidenceExpiresAtRetention() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            fx.monitor(fx.open("t1", 1_000, "payment"), fx.close("t1", 2_000, SUCCESS));
            fx.clock(101_999);
            assertThat(fx.outcomes()).isEmpty();
            fx.clock(102_000);

            Outcome o = fx.onlyOutcome();
            assertThat(o.state()).isEqualTo(Outcome.State.EXPIRED);
            assertThat(o.verdict()).isEqualTo(Verdict.EXPIRED);
            assertThat(o.closedAtMs()).isEqualTo(2_000L);
            assertThat(o.wasStuck()).isFalse();
            assertThat(fx.alerts()).as("a closed transaction is never stuck").isEmpty();
            assertThat(fx.metrics().count("expired")).isEqualTo(1);
            fx.assertNothingLeft();
        }
    }

    @Test
    void stuckThenRecovered() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            fx.monitor(fx.open("t1", 1_000, "payment"), fx.stepOpen("t1", 2_000, "authorize"));
            fx.clock(11_999);
            assertThat(fx.alerts()).isEmpty();
            fx.clock(12_000);

            assertThat(fx.alerts()).hasSize(1);
            Alert a = fx.alerts().get(0);
            assertThat(a.alert()).isEqualTo(Alert.STUCK);
            assertThat(a.txnId()).isEqualTo("t1");
            assertThat(a.txnType()).isEqualTo("payment");
            assertThat(a.openedAtMs()).isEqualTo(1_000L);
            assertThat(a.lastEventAtMs()).isEqualTo(2_000L);
            assertThat(a.ageMs()).isEqualTo(11_000L);
            assertThat(a.silentMs()).isEqualTo(10_000L);
            assertThat(a.lastStep()).isEqualTo("authorize");
            assertThat(a.stuckTimeoutMs()).isEqualTo(10_000L);
            assertThat(a.raisedAtMs()).isEqualTo(12_000L);
            assertThat(fx.live().stuckNow()).isEqualTo(1);
            assertThat(fx.live().oldestOpenAgeMs()).isEqualTo(11_000L);

            fx.clock(20_000);
            assertThat(fx.alerts()).as("one alert per episode").hasSize(1);

            fx.monitor(fx.stepDone("t1", 20_500, "authorize"));
            assertThat(fx.metrics().count("recovered")).isEqualTo(1);
            assertThat(fx.live().stuckNow()).isZero();
            assertThat(fx.live().openNow()).isEqualTo(1);

            fx.clock(30_499);
            assertThat(fx.alerts()).hasSize(1);
            fx.clock(30_500);
            assertThat(fx.alerts()).as("silent again: a second episode").hasSize(2);
            assertThat(fx.metrics().count("stuck")).isEqualTo(2);

            ViewEvent close = fx.close("t1", 31_000, SUCCESS);
            fx.monitor(close);
            fx.committed(close);
            fx.clock(31_000);
            Outcome o = fx.onlyOutcome();
            assertThat(o.state()).isEqualTo(Outcome.State.CLOSED);
            assertThat(o.wasStuck()).isTrue();
            fx.assertNothingLeft();
        }
    }

    @Test
    void stuckThenLateClose() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            ViewEvent open = fx.open("t1", 1_000, "payment");
            fx.monitor(open);
            fx.committed(open);
            fx.clock(25_000);
            assertThat(fx.alerts()).hasSize(1);

            ViewEvent close = fx.close("t1", 25_500, FAILED);
            fx.monitor(close);
            assertThat(fx.live().stuckNow()).isZero();
            assertThat(fx.live().tentativelyClosedNow()).isEqualTo(1);
            fx.committed(close);
            fx.clock(26_000);

            Outcome o = fx.onlyOutcome();
            assertThat(o.verdict()).isEqualTo(Verdict.CLOSED_FAILED);
            assertThat(o.wasStuck()).isTrue();
            assertThat(o.durationMs()).isEqualTo(24_500L);
            assertThat(fx.metrics().count("recovered")).as("a close is not a recovery").isZero();
            assertThat(fx.metrics().count("stuck")).isEqualTo(1);
            fx.assertNothingLeft();
        }
    }

    @Test
    void lateCloseSeenBeforeTheClockReachedTheDeadlineStillRaisesTheAlert() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            ViewEvent open = fx.open("t1", 1_000, "payment");
            ViewEvent step = fx.stepOpen("t1", 2_000, "authorize");
            ViewEvent close = fx.close("t1", 25_500, SUCCESS);
            // The close arrives while the monitor clock is still before the stuck deadline (12,000):
            // a busy or catching-up job processes it before the watermark that would fire the timer.
            fx.monitor(open, step, close);
            fx.committed(open, step, close);
            fx.clock(2_000);
            assertThat(fx.alerts()).isEmpty();
            fx.clock(26_000);

            assertThat(fx.alerts()).hasSize(1);
            Alert a = fx.alerts().get(0);
            assertThat(a.lastEventAtMs()).as("the last sign of life, not the close").isEqualTo(2_000L);
            assertThat(a.silentMs()).isEqualTo(10_000L);
            assertThat(a.raisedAtMs()).as("as of the deadline, in event time").isEqualTo(12_000L);
            assertThat(a.lastStep()).isEqualTo("authorize");
            Outcome o = fx.onlyOutcome();
            assertThat(o.verdict()).isEqualTo(Verdict.CLOSED_SUCCESS);
            assertThat(o.wasStuck()).isTrue();
            assertThat(o.durationMs()).isEqualTo(24_500L);
            assertThat(fx.metrics().count("stuck")).isEqualTo(1);
            assertThat(fx.live().stuckNow()).as("closed, so not stuck now").isZero();
            fx.assertNothingLeft();
        }
    }

    @Test
    void aSecondSilenceEndedByALateCloseGetsItsOwnAlert() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            fx.monitor(fx.open("t1", 1_000, "payment"));
            fx.clock(11_000);
            assertThat(fx.alerts()).as("first silence").hasSize(1);
            fx.monitor(fx.stepOpen("t1", 11_500, "authorize"));
            assertThat(fx.metrics().count("recovered")).isEqualTo(1);

            // Silent again from 11,500 for longer than the timeout; the close is read before the
            // clock reaches the second deadline (21,500).
            ViewEvent close = fx.close("t1", 30_000, SUCCESS);
            fx.monitor(close);
            fx.committed(close);
            fx.clock(30_000);

            assertThat(fx.alerts()).as("one alert per silence").hasSize(2);
            assertThat(fx.alerts().get(1).lastEventAtMs()).isEqualTo(11_500L);
            assertThat(fx.alerts().get(1).raisedAtMs()).isEqualTo(21_500L);
            assertThat(fx.onlyOutcome().wasStuck()).isTrue();
            fx.assertNothingLeft();
        }
    }

    @Test
    void lateCloseArrivingBeforeItsOpenStillRaisesTheAlert() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            ViewEvent open = fx.open("t1", 1_000, "payment");
            ViewEvent close = fx.close("t1", 30_000, SUCCESS);
            fx.monitor(close, open);
            fx.committed(close, open);
            fx.clock(30_000);

            assertThat(fx.alerts()).hasSize(1);
            assertThat(fx.alerts().get(0).lastEventAtMs()).isEqualTo(1_000L);
            assertThat(fx.onlyOutcome().wasStuck()).isTrue();
            fx.assertNothingLeft();
        }
    }

    @Test
    void closeWithinTheTimeoutOfTheLastStepRaisesNoAlertWhateverTheOrder() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            ViewEvent open = fx.open("t1", 1_000, "payment");
            ViewEvent step = fx.stepDone("t1", 9_000, "authorize");
            ViewEvent close = fx.close("t1", 18_000, SUCCESS);
            // 17 s from open to close, but never 10 s without an event; the step comes last.
            fx.monitor(close, open, step);
            fx.committed(close, open, step);
            fx.clock(30_000);

            assertThat(fx.alerts()).isEmpty();
            assertThat(fx.onlyOutcome().wasStuck()).isFalse();
            fx.assertNothingLeft();
        }
    }

    @Test
    void neverClosedIsStuckThenExpired() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            fx.monitor(fx.open("t1", 1_000, "payment"), fx.stepOpen("t1", 1_500, "authorize"));
            fx.clock(101_499);
            assertThat(fx.outcomes()).isEmpty();
            fx.clock(101_500);

            Outcome o = fx.onlyOutcome();
            assertThat(o.state()).isEqualTo(Outcome.State.EXPIRED);
            assertThat(o.wasStuck()).isTrue();
            assertThat(o.verdict()).isEqualTo(Verdict.STUCK);
            assertThat(o.closedAtMs()).isNull();
            assertThat(o.durationMs()).isNull();
            assertThat(fx.alerts()).hasSize(1);
            assertThat(fx.metrics().count("expired")).isEqualTo(1);
            fx.assertNothingLeft();
        }
    }

    @Test
    void neverClosedWithEveryRecordRolledBackIsAbortedWithoutAnAlert() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            // t1's Kafka transaction aborts: the monitor view saw its open and a step, the
            // committed view never will. t2's open, committed after them on the same partition,
            // shows that the committed view has passed them.
            fx.monitor(fx.open("t1", 1_000, "payment"), fx.stepOpen("t1", 1_500, "authorize"));
            ViewEvent next = fx.open("t2", 2_000, "payment");
            fx.monitor(next);
            fx.committed(next);
            fx.clock(6_499);
            assertThat(fx.outcomes()).as("looked at the grace (5 s) before the stuck deadline (11,500)").isEmpty();
            fx.clock(6_500);

            Outcome o = fx.onlyOutcome();
            assertThat(o.txnId()).isEqualTo("t1");
            assertThat(o.verdict()).isEqualTo(Verdict.ABORTED);
            assertThat(o.wasStuck()).isFalse();
            assertThat(o.openedAtMs()).isEqualTo(1_000L);
            assertThat(o.closedAtMs()).isNull();
            assertThat(o.decidedAtMs()).isEqualTo(6_500L);
            assertThat(fx.alerts()).as("no alert for records that never were").isEmpty();

            ViewEvent close = fx.close("t2", 3_000, SUCCESS);
            fx.monitor(close);
            fx.committed(close);
            fx.clock(500_000);
            fx.assertNothingLeft();
        }
    }

    @Test
    void rolledBackAfterItsStuckAlertIsAbortedAndWasStuck() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            fx.monitor(fx.open("t1", 1_000, "payment")); // in a Kafka transaction left open
            fx.clock(11_000);
            assertThat(fx.alerts()).as("nothing proves it rolled back yet: stuck").hasSize(1);
            assertThat(fx.alerts().get(0).blockedBy()).as("no rollback probe here to name a holder").isNull();

            ViewEvent next = fx.open("t2", 11_500, "payment"); // the transaction aborted; later records commit
            fx.monitor(next);
            fx.committed(next);
            fx.clock(11_999);
            assertThat(fx.outcomes()).isEmpty();
            fx.clock(12_000);
            Outcome o = fx.onlyOutcome();
            assertThat(o.verdict()).isEqualTo(Verdict.ABORTED);
            assertThat(o.wasStuck()).isTrue();
            assertThat(o.decidedAtMs()).as("at the next re-check").isEqualTo(12_000L);

            ViewEvent close = fx.close("t2", 12_500, SUCCESS);
            fx.monitor(close);
            fx.committed(close);
            fx.clock(500_000);
            fx.assertNothingLeft();
        }
    }

    @Test
    void oneCommittedRecordKeepsANeverClosedTransactionFromAborted() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            ViewEvent open = fx.open("t1", 1_000, "payment"); // committed
            ViewEvent step = fx.stepOpen("t1", 1_500, "authorize"); // in a Kafka transaction that aborts
            ViewEvent next = fx.open("t2", 2_000, "payment");
            fx.monitor(open, step, next);
            fx.committed(open, next);
            fx.clock(101_499);
            assertThat(fx.outcomes()).extracting(Outcome::txnId).doesNotContain("t1");
            fx.clock(101_500);
            assertThat(fx.outcomes()).filteredOn(o -> o.txnId().equals("t1")).singleElement()
                    .satisfies(o -> assertThat(o.state()).isEqualTo(Outcome.State.EXPIRED));
            fx.clock(500_000);
            fx.assertNothingLeft();
        }
    }

    @Test
    void retentionShorterThanStuckTimeoutExpiresWithoutAlert() throws Exception {
        TrackerSettings s = TrackerFixture.settings().withStuckTimeoutByTypeMs(Map.of("batch", 1_000_000L));
        try (TrackerFixture fx = new TrackerFixture(s)) {
            fx.monitor(fx.open("t1", 1_000, "batch"));
            fx.clock(101_000);
            Outcome o = fx.onlyOutcome();
            assertThat(o.verdict()).isEqualTo(Verdict.EXPIRED);
            assertThat(fx.alerts()).isEmpty();
            fx.assertNothingLeft();
        }
    }

    @Test
    void stuckTimeoutPerType() throws Exception {
        TrackerSettings s = TrackerFixture.settings().withStuckTimeoutByTypeMs(Map.of("instant", 2_000L));
        try (TrackerFixture fx = new TrackerFixture(s)) {
            fx.monitor(fx.open("fast", 1_000, "instant"), fx.open("slow", 1_000, "payment"));
            fx.clock(3_000);
            assertThat(fx.alerts()).extracting(Alert::txnId).containsExactly("fast");
            assertThat(fx.alerts().get(0).stuckTimeoutMs()).isEqualTo(2_000L);
            fx.clock(11_000);
            assertThat(fx.alerts()).extracting(Alert::txnId).containsExactly("fast", "slow");
            fx.clock(200_000);
            assertThat(fx.outcomes()).hasSize(2);
            fx.assertNothingLeft();
        }
    }

    @Test
    void lateEventIsCountedAndStillApplied() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            ViewEvent open = fx.open("t1", 1_000, "payment");
            ViewEvent step = fx.stepDone("t1", 1_500, "authorize");
            ViewEvent close = fx.close("t1", 4_000, SUCCESS);
            fx.monitor(open, close);
            fx.clock(3_000);
            fx.monitor(step); // 1.5 s behind the clock
            assertThat(fx.metrics().count("late:monitor")).isEqualTo(1);
            fx.committed(open, step, close);
            fx.clock(4_000);
            assertThat(fx.onlyOutcome().steps()).isEqualTo(1);
            assertThat(fx.metrics().count("late:committed")).as("the committed view lags by design").isZero();
            fx.assertNothingLeft();
        }
    }

    @Test
    void lateEventOfASilentTransactionDoesNotRecoverIt() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            fx.monitor(fx.open("t1", 1_000, "payment"));
            fx.clock(20_000);
            assertThat(fx.alerts()).hasSize(1);
            fx.monitor(fx.stepOpen("t1", 5_000, "authorize")); // happened long ago, delivered late
            assertThat(fx.metrics().count("recovered")).isZero();
            assertThat(fx.live().stuckNow()).isEqualTo(1);
            fx.clock(30_000);
            assertThat(fx.alerts()).as("still the same episode").hasSize(1);
            fx.clock(200_000);
            assertThat(fx.onlyOutcome().lastStep()).isEqualTo("authorize");
            fx.assertNothingLeft();
        }
    }

    @Test
    void committedOnlyEventAheadOfTheMonitorClockStartsATransaction() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            fx.clock(500);
            ViewEvent open = fx.open("t1", 1_000, "payment");
            fx.committed(open);
            assertThat(fx.live().openNow()).isEqualTo(1);
            assertThat(fx.metrics().count("opened")).isEqualTo(1);
            fx.monitor(open);
            assertThat(fx.metrics().count("duplicate:monitor")).as("a copy, not a duplicate").isZero();
            fx.clock(200_000);
            assertThat(fx.onlyOutcome().verdict()).isEqualTo(Verdict.STUCK);
            fx.assertNothingLeft();
        }
    }

    @Test
    void committedInputWatermarksDoNotHoldBackTheClock() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            fx.harness.processWatermark2(new org.apache.flink.streaming.api.watermark.Watermark(Long.MIN_VALUE + 1));
            fx.harness.processWatermark2(new org.apache.flink.streaming.api.watermark.Watermark(0));
            fx.harness.processWatermarkStatus2(org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus.ACTIVE);
            fx.monitor(fx.open("t1", 1_000, "payment"));
            fx.clock(11_000);
            assertThat(fx.alerts()).as("stuck on the monitor clock alone").hasSize(1);
            assertThat(fx.harness.getOutput())
                    .as("the operator forwards the monitor watermark")
                    .anySatisfy(r -> assertThat(r).isEqualTo(
                            new org.apache.flink.streaming.api.watermark.Watermark(11_000)));
            fx.harness.processWatermarkStatus2(org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus.IDLE);
            fx.harness.processWatermarkStatus2(org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus.ACTIVE);
            fx.harness.processWatermark2(new org.apache.flink.streaming.api.watermark.Watermark(500_000));
            assertThat(fx.outcomes()).as("nor does a committed watermark move it").isEmpty();
            fx.clock(101_000);
            assertThat(fx.onlyOutcome().verdict()).isEqualTo(Verdict.STUCK);
            fx.assertNothingLeft();
        }
    }

    @Test
    void endOfMonitorInputWaitsForTheCommittedInputToEnd() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            ViewEvent open = fx.open("t1", 1_000, "payment");
            ViewEvent close = fx.close("t1", 2_000, SUCCESS);
            fx.monitor(open, close);
            fx.clock(Long.MAX_VALUE);
            fx.harness.endInput1();
            assertThat(fx.outcomes()).as("the committed view is still catching up").isEmpty();
            fx.committed(open, close);
            assertThat(fx.outcomes()).isEmpty();
            fx.harness.endInput2();
            assertThat(fx.onlyOutcome().verdict()).isEqualTo(Verdict.CLOSED_SUCCESS);
            fx.assertNothingLeft();
        }
    }

    @Test
    void endOfMonitorInputAfterTheCommittedInputEndedFiresEverything() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            fx.monitor(fx.open("t1", 1_000, "payment"));
            fx.harness.endInput2();
            fx.clock(Long.MAX_VALUE);
            assertThat(fx.onlyOutcome().verdict()).isEqualTo(Verdict.STUCK);
            fx.assertNothingLeft();
        }
    }

    /** Why the operator exists: the plain two-input operator lets the committed input hold time back. */
    @Test
    void withoutMonitorClockedOperatorACommittedWatermarkWouldHoldBackTheClock() throws Exception {
        RecordingMetrics.Factory metrics = new RecordingMetrics.Factory();
        try (var harness = new org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness<>(
                new org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator<>(
                        new TransactionTracker(TrackerFixture.settings(), metrics)),
                new TransactionTracker.ByTxnId(),
                new TransactionTracker.ByTxnId(),
                org.apache.flink.api.common.typeinfo.Types.STRING)) {
            harness.open();
            ViewEvent open = new ViewEvent();
            open.view = io.txinsight.job.records.View.MONITOR;
            open.eventType = io.txinsight.events.EventType.TRANSACTION_OPEN;
            open.txnId = "t1";
            open.ts = 1_000;
            open.topic = TrackerFixture.TOPIC;
            harness.processWatermark2(new org.apache.flink.streaming.api.watermark.Watermark(0));
            harness.processElement1(open, open.ts);
            harness.processWatermark1(new org.apache.flink.streaming.api.watermark.Watermark(11_000));
            assertThat(harness.getSideOutput(TransactionTracker.ALERTS)).as("held back by input 2").isNull();

            harness.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(200_000));
            assertThat(harness.getSideOutput(TransactionTracker.ALERTS)).hasSize(1);
            assertThat(harness.numKeyedStateEntries()).isZero();
            assertThat(harness.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void outlierFlaggedAgainstTheMedianOfItsType() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            long t = 0;
            for (int i = 0; i < 6; i++) {
                closeNormally(fx, "n" + i, t, 1_000 + i * 10, "payment");
                t += 10_000;
            }
            closeNormally(fx, "slow", t, 10_000, "payment");
            List<Outcome> out = fx.outcomes();
            assertThat(out).hasSize(7);
            assertThat(out.subList(0, 6)).noneMatch(Outcome::outlier);
            assertThat(out.get(6).txnId()).isEqualTo("slow");
            assertThat(out.get(6).outlier()).isTrue();
            assertThat(fx.metrics().count("outlier")).isEqualTo(1);
            fx.assertNothingLeft();
        }
    }

    @Test
    void outlierBySloEvenBeforeWarmUp() throws Exception {
        TrackerSettings s = TrackerFixture.settings().withSloByTypeMs(Map.of("payment", 5_000L));
        try (TrackerFixture fx = new TrackerFixture(s)) {
            closeNormally(fx, "t1", 0, 6_000, "payment");
            closeNormally(fx, "t2", 10_000, 4_000, "payment");
            assertThat(fx.outcomes()).extracting(Outcome::outlier).containsExactly(true, false);
            fx.assertNothingLeft();
        }
    }

    @Test
    void liveCountsSurviveARestore() throws Exception {
        TrackerSettings s = TrackerFixture.settings();
        OperatorSubtaskState snapshot;
        ViewEvent close2;
        try (TrackerFixture fx = new TrackerFixture(s)) {
            fx.monitor(fx.open("t1", 1_000, "payment"), fx.open("t2", 2_000, "payment"));
            close2 = fx.close("t2", 3_000, SUCCESS);
            fx.monitor(close2);
            fx.monitor(fx.open("t3", 3_000, "payment"));
            fx.clock(12_000);
            assertThat(fx.alerts()).extracting(Alert::txnId).containsExactly("t1");
            snapshot = fx.harness.snapshot(1, 12_000);
        }
        try (TrackerFixture fx = new TrackerFixture(s, snapshot)) {
            assertThat(fx.live().openNow()).isEqualTo(2);
            assertThat(fx.live().stuckNow()).isEqualTo(1);
            assertThat(fx.live().tentativelyClosedNow()).isEqualTo(1);
            assertThat(fx.harness.numKeyedStateEntries()).isEqualTo(3);
            fx.clock(14_000);
            assertThat(fx.live().oldestOpenAgeMs()).isEqualTo(13_000L);
            fx.committed(close2);
            assertThat(fx.outcomes()).extracting(Outcome::txnId).containsExactly("t2");
            fx.clock(200_000);
            assertThat(fx.outcomes()).hasSize(3);
            fx.assertNothingLeft();
        }
    }

    @Test
    void outlierMediansAndRecentlyClosedIdsSurviveARestore() throws Exception {
        TrackerSettings s = TrackerFixture.settings();
        OperatorSubtaskState snapshot;
        long t = 0;
        try (TrackerFixture fx = new TrackerFixture(s)) {
            for (int i = 0; i < 6; i++) {
                closeNormally(fx, "n" + i, t, 1_000 + i * 10, "payment");
                t += 10_000;
            }
            snapshot = fx.harness.snapshot(1, t);
        }
        try (TrackerFixture fx = new TrackerFixture(s, snapshot)) {
            // Without the medians the detector would still be warming up (5 closes) and say no.
            closeNormally(fx, "slow", t, 10_000, "payment");
            assertThat(fx.onlyOutcome().outlier()).as("judged against the medians learned before the restore").isTrue();

            // A resend of a transaction closed before the restore is a duplicate, not a new one.
            fx.monitor(fx.open("n5", 50_000, "payment"));
            assertThat(fx.metrics().count("duplicate:monitor")).isEqualTo(1);
            fx.clock(t + 500_000);
            assertThat(fx.outcomes()).as("no phantom that expires later").hasSize(1);
            fx.assertNothingLeft();
        }
    }

    @Test
    void aReusedTxnIdDatedAfterTheCloseIsANewLifeWithItsOwnOutcome() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            ViewEvent open1 = fx.open("t", 1_000, "payment");
            ViewEvent close1 = fx.close("t", 2_000, SUCCESS);
            closeNormally(fx, "t", 1_000, 1_000, "payment");

            // The second life: its open dated after the first close. In between, copies of the
            // first life (a resend of its open and of its close) are duplicates, before and while
            // the second life runs.
            fx.monitor(open1);
            ViewEvent open2 = fx.open("t", 5_000, "transfer");
            fx.monitor(open2);
            fx.committed(open1, close1);
            fx.committed(open2);
            ViewEvent close2 = fx.close("t", 7_000, FAILED);
            fx.monitor(close2);
            fx.committed(close2);
            fx.clock(7_000);

            assertThat(fx.outcomes()).extracting(Outcome::txnType, Outcome::openedAtMs, Outcome::closedAtMs, Outcome::result)
                    .containsExactly(
                            tuple("payment", 1_000L, 2_000L, SUCCESS),
                            tuple("transfer", 5_000L, 7_000L, FAILED));
            assertThat(fx.metrics().count("duplicate:monitor")).isEqualTo(1);
            assertThat(fx.metrics().count("duplicate:committed")).isEqualTo(2);
            fx.clock(1_000_000);
            assertThat(fx.outcomes()).as("no phantom life expires later").hasSize(2);
            fx.assertNothingLeft();
        }
    }

    @Test
    void aReusedTxnIdIsANewLifeHoweverMuchTrafficClosedInBetween() throws Exception {
        // The memory of closed lives is bounded by time: 5,000 other transactions closing in
        // between change nothing, neither for the new life nor for a late copy of the old one.
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            closeNormally(fx, "t", 1_000, 1_000, "payment");
            for (int i = 0; i < 5_000; i++) {
                closeNormally(fx, "other-" + i, 2_000 + i, 5, "payment");
            }
            fx.monitor(fx.close("t", 2_000, SUCCESS)); // a resend of the old close
            closeNormally(fx, "t", 9_000, 500, "payment");

            assertThat(fx.outcomes().stream().filter(o -> o.txnId().equals("t")))
                    .extracting(Outcome::openedAtMs).containsExactly(1_000L, 9_000L);
            assertThat(fx.metrics().count("duplicate:monitor")).isEqualTo(1);
            fx.clock(1_000_000);
            fx.assertNothingLeft();
        }
    }

    @Test
    void committedViewLagIsMonitorTimeMinusCommittedTime() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            ViewEvent a = fx.open("t1", 1_000, "payment");
            ViewEvent b = fx.open("t2", 4_000, "payment");
            fx.monitor(a);
            assertThat(fx.live().committedViewLagMs()).isZero();
            fx.monitor(b);
            assertThat(fx.live().committedViewLagMs()).as("nothing committed yet").isEqualTo(3_000L);
            fx.committed(a);
            assertThat(fx.live().committedViewLagMs()).isEqualTo(3_000L);
            fx.committed(b);
            assertThat(fx.live().committedViewLagMs()).isZero();
            fx.clock(200_000);
            assertThat(fx.outcomes()).hasSize(2);
            fx.assertNothingLeft();
        }
    }

    private static void closeNormally(TrackerFixture fx, String txn, long openTs, long durationMs, String type)
            throws Exception {
        ViewEvent open = fx.open(txn, openTs, type);
        ViewEvent close = fx.close(txn, openTs + durationMs, SUCCESS);
        fx.monitor(open, close);
        fx.committed(open, close);
        fx.clock(openTs + durationMs);
    }
}
