package io.txinsight.job.velocity.rule;

import io.txinsight.events.VelocityAlert;
import io.txinsight.job.velocity.rule.AccountOpens.Burst;
import io.txinsight.job.velocity.rule.AccountOpens.Open;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The velocity rule of one account, apart from Flink: given what is remembered of the account
 * ({@link AccountOpens}) and a new open, or a point of event time, it says which bursts are over
 * and when it must be woken next. {@code VelocityDetector} is its adapter: keyed state, one timer,
 * the alerts and the metrics.
 *
 * <pre>
 *   an open arrives ──► waits (pending) until the clock reaches its time
 *                                 │
 *                                 ▼  judged in event-time order
 *            its window: the opens of its rule within [ts - window, ts]
 *                 │                                        │
 *     more than the count or the amount                    within the limits: nothing
 *                 │
 *                 ▼
 *     the rule's burst in progress takes in the window's opens (a new burst if none),
 *     and lasts until ts + window ──── the clock reaches it with no open breaking the rule again
 *                                                     │
 *                                                     ▼
 *                                       one VelocityAlert for the whole burst
 *
 *   a judged open leaves once the clock passes its time + window (no later open can share a
 *   window with it); an account with no open and no burst leaves state, and its timer with it.
 * </pre>
 *
 * <p><b>Time.</b> Opens are judged when the monitor clock reaches them, so the order they arrive
 * in does not matter within the out-of-orderness bound; a deadline is decided as of itself, so a
 * clock that jumps gives the same answers as one that creeps. An open behind the clock (late) is
 * judged at once, against the opens still held: the opens after it are not judged again.
 *
 * <p><b>Duplicates.</b> A resent open (same {@code txn_id}) of an open still held counts once.
 */
public final class VelocityRule {

    private final VelocitySettings settings;

    public VelocityRule(VelocitySettings settings) {
        this.settings = settings;
    }

    /**
     * What a call decided.
     *
     * @param alerts the bursts that are over, one alert each, in the order they ended
     * @param duplicate the open was a resend of one still held, and was ignored
     * @param late the open was behind the clock (not later than the watermark) and was judged at once
     * @param cancelTimer the timer to delete, or {@link AccountOpens#NO_TIMER}
     * @param registerTimer the timer to register, or {@link AccountOpens#NO_TIMER}
     */
    public record Step(
            List<VelocityAlert> alerts, boolean duplicate, boolean late, long cancelTimer, long registerTimer) {}

    /** A transaction_open of {@code account}; {@code clock} is the monitor clock (watermark). */
    public Step onOpen(String account, AccountOpens held, Open open, long clock) {
        if (held.holds(open.txnId)) {
            return new Step(List.of(), true, false, AccountOpens.NO_TIMER, AccountOpens.NO_TIMER);
        }
        List<VelocityAlert> alerts = new ArrayList<>();
        held.insert(open);
        if (open.ts <= held.judgedTo) {
            judge(held, open); // behind opens already judged: judged now, against what is still held
        }
        boolean late = open.ts <= clock;
        if (late) {
            advance(account, held, clock, alerts);
        }
        return step(held, alerts, late);
    }

    /** The clock reached {@code at} (a timer of this account fired). */
    public Step onClock(String account, AccountOpens held, long at) {
        List<VelocityAlert> alerts = new ArrayList<>();
        advance(account, held, at, alerts);
        return step(held, alerts, false);
    }

    /** Judges the opens up to {@code at} in event-time order, ends bursts, lets old opens go. */
    private void advance(String account, AccountOpens held, long at, List<VelocityAlert> alerts) {
        for (Open o : held.opens) {
            if (o.ts > at) {
                break;
            }
            if (o.ts > held.judgedTo) {
                endBursts(account, held, o.ts - 1, alerts); // a burst over before this open cannot take it in
                judge(held, o);
            }
        }
        held.judgedTo = Math.max(held.judgedTo, at);
        endBursts(account, held, at, alerts);
        held.opens.removeIf(o -> o.ts <= held.judgedTo && o.ts + window(o) <= at);
    }

    /** Whether {@code o}'s window breaks its rule; if so, its rule's burst takes the window in. */
    private void judge(AccountOpens held, Open o) {
        String rule = settings.ruleOf(o.txnType);
        VelocityLimits limits = settings.limits(rule);
        int end = held.opens.indexOf(o);
        int start = end;
        int count = 0;
        BigDecimal sum = BigDecimal.ZERO;
        for (int i = end; i >= 0 && held.opens.get(i).ts >= o.ts - limits.windowMs(); i--) {
            Open w = held.opens.get(i);
            if (sameRule(w, rule)) {
                count++;
                sum = w.amount == null ? sum : sum.add(w.amount);
                start = i;
            }
        }
        if (!limits.brokenBy(count, sum)) {
            return;
        }
        Burst burst = held.burstOf(rule);
        if (burst == null) {
            burst = new Burst(rule);
            burst.firstAt = Long.MAX_VALUE;
            held.bursts.add(burst);
        }
        for (int i = start; i <= end; i++) {
            Open w = held.opens.get(i);
            if (sameRule(w, rule) && !w.inBurst) {
                w.inBurst = true;
                burst.count++;
                burst.amount = w.amount == null ? burst.amount
                        : burst.amount == null ? w.amount : burst.amount.add(w.amount);
                burst.firstAt = Math.min(burst.firstAt, w.ts);
                burst.lastAt = Math.max(burst.lastAt, w.ts);
                if (burst.txnIds.size() < VelocityAlert.MAX_TXN_IDS) {
                    burst.txnIds.add(w.txnId);
                }
            }
        }
        burst.until = o.ts + limits.windowMs();
    }

    /** Reports and forgets every burst over by {@code at}: no open broke its rule again in time. */
    private void endBursts(String account, AccountOpens held, long at, List<VelocityAlert> alerts) {
        for (Iterator<Burst> it = held.bursts.iterator(); it.hasNext(); ) {
            Burst b = it.next();
            if (b.until <= at) {
                VelocityLimits limits = settings.limits(b.rule);
                alerts.add(new VelocityAlert(VelocityAlert.VELOCITY, account, b.rule, b.count, b.amount,
                        limits.windowMs(), limits.maxCount(), limits.maxAmount(), b.firstAt, b.lastAt,
                        b.txnIds, b.until));
                it.remove();
            }
        }
    }

    /** The one timer the account needs: the earliest open to judge, burst to end or open to let go. */
    private Step step(AccountOpens held, List<VelocityAlert> alerts, boolean late) {
        long next = Long.MAX_VALUE;
        for (Open o : held.opens) {
            next = Math.min(next, o.ts > held.judgedTo ? o.ts : o.ts + window(o));
        }
        for (Burst b : held.bursts) {
            next = Math.min(next, b.until);
        }
        long wake = next == Long.MAX_VALUE ? AccountOpens.NO_TIMER : next;
        long cancel = AccountOpens.NO_TIMER;
        long register = AccountOpens.NO_TIMER;
        if (wake != held.timerTs) {
            cancel = held.timerTs;
            register = wake;
            held.timerTs = wake;
        }
        return new Step(List.copyOf(alerts), false, late, cancel, register);
    }

    private long window(Open o) {
        return settings.limits(settings.ruleOf(o.txnType)).windowMs();
    }

    private boolean sameRule(Open o, String rule) {
        return java.util.Objects.equals(settings.ruleOf(o.txnType), rule);
    }
}
