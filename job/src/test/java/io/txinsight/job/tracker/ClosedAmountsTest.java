package io.txinsight.job.tracker;

import static io.txinsight.events.CloseStatus.FAILED;
import static io.txinsight.events.CloseStatus.SUCCESS;
import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.events.CloseStatus;
import io.txinsight.events.Outcome;
import io.txinsight.job.records.ViewEvent;
import org.junit.jupiter.api.Test;

/**
 * The open's amount and currency reach the statistics at the close, and only there: a Closed
 * transaction (either result: the amount is what was asked) counts its amount once; an Aborted or
 * Expired one counts none. Timings as in {@link TransactionTrackerTest}.
 */
class ClosedAmountsTest {

    @Test
    void aClosedTransactionCountsItsOpensAmountOnceInItsCurrency() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            ViewEvent open = fx.open("t1", 1_000, "payment", "125.50", "EUR");
            ViewEvent close = fx.close("t1", 2_000, SUCCESS);
            fx.monitor(open, open, close); // a resent open counts once
            fx.committed(open, close);
            fx.clock(2_000);

            assertThat(fx.onlyOutcome().state()).isEqualTo(Outcome.State.CLOSED);
            assertThat(fx.metrics().amounts).containsExactly("payment EUR 125.5");
            fx.assertNothingLeft();
        }
    }

    @Test
    void aFailedCloseCountsToo() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            closeInBothViews(fx, fx.open("t1", 1_000, "withdrawal", "40", "GBP"), FAILED);

            assertThat(fx.metrics().amounts).containsExactly("withdrawal GBP 40.0");
            fx.assertNothingLeft();
        }
    }

    @Test
    void theOpenMayComeAfterTheCloseAndTheTypeFromAnotherEvent() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            ViewEvent open = fx.open("t1", 1_000, null, "0.07", "CHF");
            ViewEvent step = fx.record(io.txinsight.events.EventType.STEP_DONE, "t1", 1_500, "debit", "transfer", null, 0);
            ViewEvent close = fx.close("t1", 2_000, SUCCESS);
            fx.monitor(close, step);
            fx.committed(close, step);
            fx.monitor(open);
            fx.committed(open);
            fx.clock(2_000);

            assertThat(fx.metrics().amounts).containsExactly("transfer CHF 0.07");
            fx.assertNothingLeft();
        }
    }

    @Test
    void anOpenWithoutAmountCountsNoAmount() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            closeInBothViews(fx, fx.open("t1", 1_000, "payment", null, "EUR"), SUCCESS);

            assertThat(fx.metrics().count("closed:success")).isEqualTo(1);
            assertThat(fx.metrics().amounts).isEmpty();
            fx.assertNothingLeft();
        }
    }

    @Test
    void anAmountWithoutCurrencyIsCountedUnderNoCurrency() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            closeInBothViews(fx, fx.open("t1", 1_000, "payment", "10", null), SUCCESS);

            assertThat(fx.metrics().amounts).containsExactly("payment null 10.0");
            fx.assertNothingLeft();
        }
    }

    @Test
    void abortedAndExpiredTransactionsCountNoAmount() throws Exception {
        try (TrackerFixture fx = new TrackerFixture(TrackerFixture.settings())) {
            // t1 aborts (its close never shows committed, and t2's committed open passes it)
            fx.monitor(fx.open("t1", 1_000, "payment", "99.99", "EUR"), fx.close("t1", 2_000, SUCCESS));
            ViewEvent later = fx.open("t2", 2_500, "payment", "5", "EUR");
            fx.monitor(later);
            fx.committed(later);
            fx.clock(7_000);
            // t2 never closes: it expires at retention
            fx.clock(500_000);

            assertThat(fx.outcomes()).extracting(Outcome::state)
                    .containsExactlyInAnyOrder(Outcome.State.ABORTED, Outcome.State.EXPIRED);
            assertThat(fx.metrics().amounts).isEmpty();
            fx.assertNothingLeft();
        }
    }

    /** The open, then its close at 2,000 with {@code status}, in both views; the clock passes the close. */
    private static void closeInBothViews(TrackerFixture fx, ViewEvent open, CloseStatus status) throws Exception {
        ViewEvent close = fx.close(open.txnId, 2_000, status);
        fx.monitor(open, close);
        fx.committed(open, close);
        fx.clock(2_000);
    }
}
