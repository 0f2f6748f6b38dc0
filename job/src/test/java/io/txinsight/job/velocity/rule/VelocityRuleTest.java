package io.txinsight.job.velocity.rule;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.events.VelocityAlert;
import io.txinsight.job.velocity.rule.AccountOpens.Open;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The velocity rule without Flink, with the default limits (more than 5 opens, or more than
 * 50,000, within 3 s). {@link Account} plays the adapter: it keeps the one timer and fires it when
 * the clock reaches it, and checks that an emptied account holds no timer.
 */
class VelocityRuleTest {

    private static final VelocitySettings DEFAULTS = VelocitySettings.DEFAULTS;

    @Test
    void sixOpensWithinTheWindowAreOneBurstReportedWhenTheWindowHasPassed() {
        Account a = new Account(DEFAULTS);
        for (int i = 0; i < 6; i++) {
            a.open("T" + i, 1_000 + i * 100, "payment", "10.50");
        }
        a.clock(1_500);
        assertThat(a.alerts).isEmpty();
        a.clock(4_499);
        assertThat(a.alerts).as("a sixth open of the window could still come").isEmpty();
        a.clock(4_500);

        assertThat(a.alerts).hasSize(1);
        VelocityAlert alert = a.alerts.get(0);
        assertThat(alert.alert()).isEqualTo("velocity");
        assertThat(alert.account()).isEqualTo("acc-1");
        assertThat(alert.txnType()).isNull();
        assertThat(alert.count()).isEqualTo(6);
        assertThat(alert.amount()).isEqualByComparingTo("63.00");
        assertThat(alert.firstAtMs()).isEqualTo(1_000);
        assertThat(alert.lastAtMs()).isEqualTo(1_500);
        assertThat(alert.windowMs()).isEqualTo(3_000);
        assertThat(alert.maxCount()).isEqualTo(5);
        assertThat(alert.txnIds()).containsExactly("T0", "T1", "T2", "T3", "T4", "T5");
        assertThat(alert.raisedAtMs()).isEqualTo(4_500);
        a.assertGone();
    }

    @Test
    void fiveOpensAreNoBurstAndTheAccountLeavesStateOneWindowAfterItsLastOpen() {
        Account a = new Account(DEFAULTS);
        for (int i = 0; i < 5; i++) {
            a.open("T" + i, 1_000 + i * 100, "payment", "10");
        }
        a.clock(4_399);
        assertThat(a.state.opens()).as("the last open can still share a window").isEqualTo(1);
        a.clock(4_400);
        assertThat(a.alerts).isEmpty();
        a.assertGone();
    }

    @Test
    void opensSpreadWiderThanTheWindowAreNoBurst() {
        Account a = new Account(DEFAULTS);
        for (int i = 0; i < 20; i++) {
            a.open("T" + i, i * 601L, "payment", "10"); // 5 per 3 s at most
        }
        a.clock(60_000);
        assertThat(a.alerts).isEmpty();
        a.assertGone();
    }

    @Test
    void aBurstThatGoesOnIsStillOneAlert() {
        Account a = new Account(DEFAULTS);
        for (int i = 0; i < 30; i++) {
            a.open("T" + i, i * 200L, "payment", "1");
        }
        a.clock(100_000);
        assertThat(a.alerts).hasSize(1);
        assertThat(a.alerts.get(0).count()).isEqualTo(30);
        assertThat(a.alerts.get(0).lastAtMs()).isEqualTo(29 * 200L);
        a.assertGone();
    }

    @Test
    void twoBurstsApartAreTwoAlerts() {
        Account a = new Account(DEFAULTS);
        for (int i = 0; i < 6; i++) {
            a.open("A" + i, 1_000 + i, "payment", "1");
            a.open("B" + i, 20_000 + i, "payment", "1");
        }
        a.clock(100_000);
        assertThat(a.alerts).extracting(VelocityAlert::firstAtMs).containsExactly(1_000L, 20_000L);
        a.assertGone();
    }

    @Test
    void theAmountLimitAloneMakesABurst() {
        Account a = new Account(DEFAULTS);
        a.open("T1", 1_000, "transfer", "30000");
        a.open("T2", 2_000, "transfer", "20000.01");
        a.clock(10_000);
        assertThat(a.alerts).hasSize(1);
        assertThat(a.alerts.get(0).count()).isEqualTo(2);
        assertThat(a.alerts.get(0).amount()).isEqualByComparingTo("50000.01");
        a.assertGone();
    }

    @Test
    void opensWithoutAnAmountCountButAddNothing() {
        Account a = new Account(DEFAULTS);
        for (int i = 0; i < 6; i++) {
            a.open("T" + i, 1_000 + i, "payment", null);
        }
        a.clock(10_000);
        assertThat(a.alerts).hasSize(1);
        assertThat(a.alerts.get(0).amount()).isNull();
    }

    @Test
    void arrivalOrderWithinTheClockDoesNotMatter() {
        Account inOrder = new Account(DEFAULTS);
        Account shuffled = new Account(DEFAULTS);
        long[] ts = {1_000, 1_100, 1_200, 1_300, 1_400, 1_500, 9_000};
        int[] order = {3, 0, 5, 1, 6, 4, 2};
        for (int i = 0; i < ts.length; i++) {
            inOrder.open("T" + i, ts[i], "payment", "1");
            shuffled.open("T" + order[i], ts[order[i]], "payment", "1");
        }
        inOrder.clock(20_000);
        shuffled.clock(20_000);
        assertThat(shuffled.alerts).isEqualTo(inOrder.alerts).hasSize(1);
    }

    @Test
    void aClockThatJumpsDecidesAsOneThatCreeps() {
        Account jumps = new Account(DEFAULTS);
        Account creeps = new Account(DEFAULTS);
        for (int i = 0; i < 7; i++) {
            jumps.open("T" + i, 1_000 + i * 300L, "payment", "1");
            creeps.open("T" + i, 1_000 + i * 300L, "payment", "1");
        }
        for (int i = 0; i < 7; i++) {
            jumps.open("U" + i, 30_000 + i * 300L, "payment", "1");
            creeps.open("U" + i, 30_000 + i * 300L, "payment", "1");
        }
        jumps.clock(1_000_000);
        for (long t = 0; t <= 1_000_000; t += 100) {
            creeps.clock(t);
        }
        assertThat(jumps.alerts).isEqualTo(creeps.alerts).hasSize(2);
        jumps.assertGone();
        creeps.assertGone();
    }

    @Test
    void aResentOpenCountsOnce() {
        Account a = new Account(DEFAULTS);
        for (int i = 0; i < 5; i++) {
            a.open("T" + i, 1_000 + i, "payment", "1");
        }
        a.open("T4", 1_004, "payment", "1");
        a.clock(1_100);
        a.open("T2", 1_002, "payment", "1"); // a resend after the clock passed it
        a.clock(10_000);
        assertThat(a.alerts).isEmpty();
        assertThat(a.duplicates).isEqualTo(2);
        a.assertGone();
    }

    @Test
    void aLateOpenIsJudgedAtOnce() {
        Account a = new Account(DEFAULTS);
        for (int i = 0; i < 5; i++) {
            a.open("T" + i, 1_000 + i, "payment", "1");
        }
        a.clock(2_000);
        a.open("LATE", 1_500, "payment", "1");
        assertThat(a.late).isEqualTo(1);
        a.clock(10_000);
        assertThat(a.alerts).hasSize(1);
        assertThat(a.alerts.get(0).txnIds()).containsExactly("T0", "T1", "T2", "T3", "T4", "LATE");
        a.assertGone();
    }

    @Test
    void aTypeWithItsOwnLimitsIsJudgedApartFromTheOthers() {
        VelocitySettings settings = DEFAULTS.withByType(Map.of(
                "withdrawal", DEFAULTS.defaults().withMaxCount(1).withWindowMs(60_000)));
        Account a = new Account(settings);
        for (int i = 0; i < 5; i++) {
            a.open("P" + i, 1_000 + i, "payment", "1"); // five payments: within the default rule
        }
        a.open("W1", 1_010, "withdrawal", "1");      // the sixth open, but judged by its own rule
        a.open("W2", 50_000, "withdrawal", "1");     // two withdrawals within a minute
        a.clock(200_000);
        assertThat(a.alerts).hasSize(1);
        VelocityAlert alert = a.alerts.get(0);
        assertThat(alert.txnType()).isEqualTo("withdrawal");
        assertThat(alert.txnIds()).containsExactly("W1", "W2");
        assertThat(alert.windowMs()).isEqualTo(60_000);
        assertThat(alert.raisedAtMs()).isEqualTo(110_000);
        a.assertGone();
    }

    @Test
    void theAlertListsAtMostFiftyTransactions() {
        Account a = new Account(DEFAULTS);
        for (int i = 0; i < 80; i++) {
            a.open("T" + i, 1_000 + i, "payment", "1");
        }
        a.clock(10_000);
        assertThat(a.alerts.get(0).count()).isEqualTo(80);
        assertThat(a.alerts.get(0).txnIds()).hasSize(VelocityAlert.MAX_TXN_IDS).startsWith("T0");
    }

    @Test
    void theStateSurvivesItsBytes() {
        Account a = new Account(DEFAULTS);
        for (int i = 0; i < 7; i++) {
            a.open("T" + i, 1_000 + i * 10L, i % 2 == 0 ? "payment" : null, i == 3 ? null : "12.345");
        }
        a.clock(1_040);
        AccountOpens copy = AccountOpens.decode(a.state.encode());
        assertThat(copy.encode()).isEqualTo(a.state.encode());
        a.state = copy;
        a.clock(10_000);
        assertThat(a.alerts).hasSize(1);
        assertThat(a.alerts.get(0).count()).isEqualTo(7);
        assertThat(a.alerts.get(0).amount()).isEqualByComparingTo("74.070");
    }

    /** One account and its timer, as the Flink adapter keeps them. */
    static final class Account {
        final VelocityRule rule;
        AccountOpens state = new AccountOpens();
        long timer = AccountOpens.NO_TIMER;
        long clock = Long.MIN_VALUE;
        final List<VelocityAlert> alerts = new ArrayList<>();
        int duplicates;
        int late;

        Account(VelocitySettings settings) {
            rule = new VelocityRule(settings);
        }

        void open(String txnId, long ts, String type, String amount) {
            apply(rule.onOpen("acc-1", state, new Open(ts, txnId, type, amount == null ? null : new BigDecimal(amount)),
                    clock));
        }

        /** The clock moves to {@code to}; the timer fires as often as it is due, each as of itself. */
        void clock(long to) {
            clock = Math.max(clock, to);
            while (timer != AccountOpens.NO_TIMER && timer <= clock) {
                long at = timer;
                timer = AccountOpens.NO_TIMER;
                state.timerTs = AccountOpens.NO_TIMER; // a fired timer is gone, as in Flink
                apply(rule.onClock("acc-1", state, at));
            }
        }

        private void apply(VelocityRule.Step step) {
            alerts.addAll(step.alerts());
            duplicates += step.duplicate() ? 1 : 0;
            late += step.late() ? 1 : 0;
            if (step.cancelTimer() != AccountOpens.NO_TIMER) {
                assertThat(step.cancelTimer()).isEqualTo(timer);
                timer = AccountOpens.NO_TIMER;
            }
            if (step.registerTimer() != AccountOpens.NO_TIMER) {
                assertThat(timer).as("one timer per account").isEqualTo(AccountOpens.NO_TIMER);
                timer = step.registerTimer();
            }
            assertThat(state.timerTs).isEqualTo(timer);
        }

        void assertGone() {
            assertThat(state.isEmpty()).as("no opens, no bursts").isTrue();
            assertThat(timer).as("no timer").isEqualTo(AccountOpens.NO_TIMER);
        }
    }
}
