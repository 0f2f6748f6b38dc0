package io.txinsight.job.tracker.lifecycle;

import io.txinsight.events.CloseStatus;
import io.txinsight.events.EventType;
import io.txinsight.job.records.View;
import io.txinsight.job.records.ViewEvent;

/**
 * The rules of one business transaction's lifecycle (docs/design.md §2), apart from Flink: given
 * what is known of a transaction ({@link TxnState}) and an event of either view, or a point of
 * monitor time, it says what happens, as {@link Decisions}. The tracker is its adapter: keyed
 * state, timers, outputs and metrics.
 *
 * <pre>
 *    first event (either view)
 *         |
 *         v
 *     +--------+   silent for its stuck timeout    +---------+
 *     |  OPEN  | --------------------------------> |  STUCK  |   RaiseStuck: one alert
 *     |        | <-------------------------------- |         |   per silence
 *     +--------+   an event within the timeout     +---------+
 *       |    |       (Recovered)                      |    |
 *       |    |                                        |    |
 *       |    +---- close, committed view -------------|----+------------+
 *       |                                             |                 |
 *       | close, monitor view    close, monitor view  |                 | close,
 *       |                             (a late close)  |                 | committed view
 *       |                                             |                 |
 *       v                                             |                 v
 *     +--------------------+ <------------------------+           +-----------+
 *     | TENTATIVELY_CLOSED |                                      |  CLOSING  |
 *     +--------------------+ ---- close, committed view --------> +-----------+
 *       |                                                               |
 *       | close + abort grace passed, and the committed view            | monitor clock
 *       | passed the close without showing it (checked on a grid)       | >= close time
 *       v                                                               v
 *    [ABORTED]                                                      [CLOSED]
 *
 *    OPEN, STUCK, TENTATIVELY_CLOSED, CLOSING -- no event for the retention time --> [EXPIRED]
 *
 *    OPEN, STUCK -- every record seen only uncommitted, and Kafka proves them all --> [ABORTED]
 *                   rolled back (looked at from the abort grace before the stuck deadline)
 *
 *    [..] final: one outcome, then no keyed state and no timer. An event of a transaction closed
 *    recently and dated at or before its close is a Duplicate; one dated after it starts a new
 *    life of the same txn_id. After Aborted or Expired any event starts a new one.
 * </pre>
 *
 * <p>Closed waits for the monitor clock to pass the close time so that the open and the steps,
 * earlier in event time, have had their chance to arrive before the outcome is written. Aborted
 * needs evidence ({@link Evidence}): elapsed time alone cannot tell an aborted Kafka transaction
 * from a hanging one, so without it the transaction waits, at worst until it expires. A
 * transaction with no close is Aborted too when its every record was seen by the monitor view
 * alone and Kafka proves them rolled back (a producer's Kafka transaction aborted before any of
 * its business transaction's records were committed): no alert is raised for records that never
 * were, and one raised first is carried as {@code was_stuck}.
 *
 * <p><b>Silences.</b> The stuck clock is the last sign of life: the latest event other than the
 * close (a close ends a transaction rather than showing it alive). A close that ends a silence
 * longer than the stuck timeout still owes that silence its alert, whether the close or the clock
 * reaches the tracker first; it is raised as of the deadline, before the final decision. A late
 * event (behind the clock) only recovers a stuck transaction when it shows life within the stuck
 * timeout of the clock: an old event delivered late is no sign of life now.
 *
 * <p><b>Time.</b> A deadline is decided as of itself, not of the (possibly much later) clock that
 * reached it, so a clock that jumps gives the same answers as one that creeps. One wake-up per
 * transaction at most, at or before the earliest pending deadline; it only ever moves earlier.
 *
 * <p><b>Disorder and duplicates.</b> Each event kind (open, close, step_open and step_done per
 * step) is remembered per view: the first sighting in either view makes the transition and the
 * measurements; the copy in the other view only marks that view (a committed close is the move to
 * CLOSING); a repeat in the same view is a {@link Decision.Duplicate}.
 */
public final class TxnLifecycle {
    private final Timings timings;
    private final Evidence evidence;
    private final NamePool names;

    public TxnLifecycle(Timings timings, Evidence evidence, NamePool names) {
        this.timings = timings;
        this.evidence = evidence;
        this.names = names;
    }

    /** {@code previousClose} of {@link #onEvent} when no life of the id closed recently. */
    public static final long NO_PREVIOUS_LIFE = Long.MIN_VALUE;

    /**
     * An event seen through {@code view}. {@code held} is what is known of its transaction (null if
     * nothing); {@code clock} the monitor clock; {@code previousClose} the close time of the life of
     * this id that was Closed recently, or {@link #NO_PREVIOUS_LIFE} (only needed when nothing is
     * held or the held life is {@link TxnState#reborn()}).
     *
     * <p>A {@code txn_id} may be reused: an event dated after the close of its previous life starts
     * a new life with its own outcome; one dated at or before it is a copy of the old life (a
     * resend, a straggler) and a Duplicate, also while the new life runs. Event time decides, not
     * arrival, so the verdict is the same however much other traffic came in between.
     */
    public Decisions onEvent(TxnState held, ViewEvent e, View view, long clock, long previousClose) {
        Decisions d = new Decisions(held);
        if (view == View.MONITOR && e.ts < clock) {
            d.add(new Decision.Late(view));
        }
        if (previousClose != NO_PREVIOUS_LIFE && e.ts <= previousClose) {
            // A copy of the closed life. A committed copy behind the clock with no closed life is
            // NOT taken as one: the clock does not promise its monitor copy was seen (a lagging
            // monitor partition delivers it late), and dropping it would lose a real close.
            d.add(new Decision.Duplicate(view));
            return d;
        }
        TxnState s = held;
        if (s == null) {
            s = TxnState.startedBy(e.ts);
            if (previousClose != NO_PREVIOUS_LIFE) {
                s.set(TxnState.REBORN);
            }
            d.about(s);
        }
        // Before the duplicate test: a resent record (a retry in a new Kafka transaction) widens
        // what a rollback proof must cover, as a resent close does.
        trackUncommitted(s, e, view);
        Sighting sighting = apply(s, e, view, d);
        if (sighting == Sighting.DUPLICATE) {
            d.add(new Decision.Duplicate(view));
            return d;
        }
        if (sighting == Sighting.FIRST
                && s.stage() == Stage.STUCK
                && plus(e.ts, timings.stuckTimeoutFor(s.txnType())) > clock) {
            s.clear(TxnState.SILENCE_ALERTED);
            d.add(new Decision.Recovered());
        }
        decide(s, clock, clock, d);
        return d;
    }

    /** The monitor clock (now {@code clock}) reached the wake-up at {@code deadline}. */
    public Decisions onDeadline(TxnState s, long deadline, long clock) {
        Decisions d = new Decisions(s);
        if (s.timerTs == deadline) {
            s.timerTs = TxnState.NO_TIMER;
        }
        decide(s, deadline, clock, d);
        return d;
    }

    /** Whether an event is new, new to this view only, or a repeat within its view. */
    private enum Sighting {
        FIRST,
        COPY,
        DUPLICATE
    }

    private Sighting apply(TxnState s, ViewEvent e, View view, Decisions d) {
        switch (e.eventType) {
            case TRANSACTION_OPEN:
                return applyOpen(s, e, view, d);
            case TRANSACTION_CLOSE:
                return applyClose(s, e, view, d);
            default:
                return applyStep(s, e, view, d);
        }
    }

    private Sighting applyOpen(TxnState s, ViewEvent e, View view, Decisions d) {
        int bit = TxnState.txnBit(EventType.TRANSACTION_OPEN, view);
        if (s.has(bit)) {
            return Sighting.DUPLICATE;
        }
        boolean first = !s.openSeen();
        s.set(bit);
        if (!first) {
            return Sighting.COPY;
        }
        progress(s, e);
        s.moveStart(e.ts);
        // What the statistics need at the close; the open's other attributes are not kept.
        if (e.currency != null) {
            s.kind = names.kind(s.txnType(), e.currency);
        }
        s.amount = PackedAmount.pack(e.amount);
        d.add(new Decision.Opened());
        if (s.has(TxnState.CLOSE_MONITOR) && !s.has(TxnState.COMMITTED_FIRST)) {
            d.add(new Decision.TentativeDuration(nonNegative(s.close.ts - s.startTs)));
        }
        return Sighting.FIRST;
    }

    private Sighting applyClose(TxnState s, ViewEvent e, View view, Decisions d) {
        int bit = TxnState.txnBit(EventType.TRANSACTION_CLOSE, view);
        if (s.close == null) {
            s.close = new CloseSighting();
        }
        if (s.has(bit)) {
            if (view == View.MONITOR && !s.has(TxnState.CLOSE_COMMITTED)) {
                // A resent close (a retry in a new Kafka transaction): the abort evidence must now
                // pass this copy too, or a committed retry could be judged aborted.
                rememberClosePosition(s, e);
            }
            return Sighting.DUPLICATE;
        }
        boolean first = !s.closeSeen();
        s.set(bit);
        if (view == View.MONITOR) {
            rememberClosePosition(s, e);
            s.close.monitorSeenAtMs = e.seenAtMs;
        } else {
            s.close.committedSeenAtMs = e.seenAtMs;
        }
        if (!first) {
            return Sighting.COPY;
        }
        progress(s, e);
        s.close.ts = e.ts;
        if (e.status == CloseStatus.FAILED) {
            s.set(TxnState.FAILED);
        }
        if (view == View.MONITOR) {
            d.add(new Decision.TentativelyClosed());
            if (s.openSeen()) {
                d.add(new Decision.TentativeDuration(nonNegative(s.close.ts - s.startTs)));
            }
        } else {
            s.set(TxnState.COMMITTED_FIRST);
        }
        return Sighting.FIRST;
    }

    /**
     * Keeps where the records seen only by the monitor view lie, until a committed record shows
     * that Kafka did not roll the transaction back whole (docs/design.md §4). What holds them back
     * stays known for the outcome once found.
     */
    private void trackUncommitted(TxnState s, ViewEvent e, View view) {
        if (view == View.COMMITTED) {
            s.set(TxnState.COMMITTED_SEEN);
            if (s.close != null && !s.closeSeen() && s.close.blockedBy == null) {
                s.close = null;
            }
            return;
        }
        if (e.eventType == EventType.TRANSACTION_CLOSE || s.closeSeen()
                || s.has(TxnState.COMMITTED_SEEN | TxnState.SPREAD)) {
            return; // the close's own position is kept by applyClose
        }
        CloseSighting at = s.close;
        if (at == null) {
            at = new CloseSighting();
            at.topic = names.share(e.topic);
            at.partition = e.partition;
            at.firstOffset = e.offset;
            at.offset = e.offset;
            s.close = at;
        } else if (at.partition == e.partition && at.topic.equals(e.topic)) {
            at.firstOffset = Math.min(at.firstOffset, e.offset);
            at.offset = Math.max(at.offset, e.offset);
        } else {
            s.set(TxnState.SPREAD);
        }
    }

    private void rememberClosePosition(TxnState s, ViewEvent e) {
        s.close.topic = names.share(e.topic);
        s.close.partition = e.partition;
        s.close.offset = e.offset;
    }

    private Sighting applyStep(TxnState s, ViewEvent e, View view, Decisions d) {
        String name = e.step == null ? "" : e.step;
        int bit = TxnState.stepBit(e.eventType, view);
        int eitherView = TxnState.stepBit(e.eventType, View.MONITOR) | TxnState.stepBit(e.eventType, View.COMMITTED);
        int i = s.stepIndex(name);
        if (i >= 0 && s.stepHas(i, bit)) {
            return Sighting.DUPLICATE;
        }
        if (i >= 0 && s.stepHas(i, eitherView)) {
            s.stepSet(i, bit);
            return Sighting.COPY;
        }
        progress(s, e);
        if (i < 0) {
            i = s.addStep(names.share(name), names);
            if (i < 0) {
                return Sighting.FIRST; // past MAX_STEPS: still progress, no longer itemized
            }
            s.setStepTime(i, e.ts);
        }
        int openBits = TxnState.STEP_OPEN_MONITOR | TxnState.STEP_OPEN_COMMITTED;
        int doneBits = TxnState.STEP_DONE_MONITOR | TxnState.STEP_DONE_COMMITTED;
        if (e.eventType == EventType.STEP_OPEN) {
            long anchor = s.gapAnchorBefore(e.ts, i);
            if (anchor != Long.MIN_VALUE) {
                d.add(new Decision.GapBeforeStep(e.ts - anchor));
            }
            if (s.stepHas(i, doneBits)) {
                d.add(new Decision.StepTook(name, nonNegative(s.stepTime(i) - e.ts)));
            } else {
                s.setStepTime(i, e.ts);
            }
        } else {
            if (s.stepHas(i, openBits)) {
                d.add(new Decision.StepTook(name, nonNegative(e.ts - s.stepTime(i))));
            }
            s.setStepTime(i, e.ts);
        }
        s.stepSet(i, bit);
        return Sighting.FIRST;
    }

    /** What every new event tells, whatever its kind. */
    private void progress(TxnState s, ViewEvent e) {
        if (s.txnType() == null && e.txnType != null) {
            s.kind = names.kind(e.txnType, s.currency());
        }
        boolean close = e.eventType == EventType.TRANSACTION_CLOSE;
        if (!close && !s.has(TxnState.ALIVE)) {
            // The first sign of life replaces whatever a close that came first left here.
            s.lastEventTs = e.ts;
            s.set(TxnState.ALIVE);
        } else if ((!close || !s.has(TxnState.ALIVE)) && e.ts > s.lastEventTs) {
            s.lastEventTs = e.ts;
        }
        if (!s.openSeen() && e.ts < s.startTs) {
            s.moveStart(e.ts);
        }
    }

    /**
     * Takes every decision that is due at monitor time {@code now} (a deadline, or the clock when
     * an event arrives), then asks to be woken for the next one.
     */
    private void decide(TxnState s, long now, long clock, Decisions d) {
        Stage stage = s.stage();
        long stuckTimeout = timings.stuckTimeoutFor(s.txnType());
        long stuckAt = plus(s.lastEventTs, stuckTimeout);
        // Closed, but only after a silence longer than the stuck timeout (a late close): the alert
        // is owed even if the close reached the tracker before the clock reached the deadline.
        boolean silentBeforeClose = !stage.isOpen() && s.has(TxnState.ALIVE)
                && !s.has(TxnState.SILENCE_ALERTED) && stuckAt < s.close.ts;
        boolean uncommitted = stage.isOpen() && s.onlyUncommitted();
        long lookFrom = uncommitted ? rollbackLookFrom(s, stuckAt) : Long.MAX_VALUE;
        if (now >= lookFrom) {
            // Every record so far was seen uncommitted: Kafka may have rolled them all back (an
            // aborted or hanging Kafka transaction). Asked ahead of the stuck deadline, so
            // that the alert is not raised for records that never were, or names what holds them.
            CloseSighting at = s.close;
            if (evidence.rolledBack(at.topic, at.partition, at.firstOffset, at.offset)) {
                end(s, new Decision.Abort(now), d);
                return;
            }
            heldBy(at, evidence.blockerOf(at.topic, at.partition, at.offset), d);
        }
        if (now >= stuckAt && (stage == Stage.OPEN || silentBeforeClose)) {
            // Decided before any final state below: a clock that jumps past both the stuck
            // deadline and the close (a catch-up) must still raise the alert, then close.
            s.set(TxnState.WAS_STUCK | TxnState.SILENCE_ALERTED);
            d.add(new Decision.RaiseStuck(stage == Stage.OPEN ? now : stuckAt, stuckTimeout));
            silentBeforeClose = false;
            stage = s.stage();
        }
        if (stage == Stage.CLOSING && now >= s.close.ts) {
            end(s, closed(s, now), d);
            return;
        }
        boolean passed = stage == Stage.TENTATIVELY_CLOSED
                && evidence.hasPassed(s.close.topic, s.close.partition, s.close.offset);
        if (stage == Stage.TENTATIVELY_CLOSED && !passed && now >= plus(s.close.ts, timings.abortGraceMs())) {
            // Held back past the grace: remember who holds it, for the outcome to name.
            heldBy(s.close, evidence.blockerOf(s.close.topic, s.close.partition, s.close.offset), d);
        }
        if (passed && now >= plus(s.close.ts, timings.abortGraceMs())) {
            end(s, new Decision.Abort(now), d);
            return;
        }
        long lastSeen = stage.isOpen() ? s.lastEventTs : Math.max(s.lastEventTs, s.close.ts);
        long expiresAt = plus(lastSeen, timings.retentionMs());
        if (now >= expiresAt) {
            end(s, new Decision.Expire(now), d);
            return;
        }

        long next = expiresAt;
        if (silentBeforeClose) {
            next = Math.min(next, stuckAt);
        }
        if (stage == Stage.CLOSING) {
            next = Math.min(next, s.close.ts);
        } else if (stage == Stage.TENTATIVELY_CLOSED) {
            // Evidence only changes as committed records arrive. Without it, no check below the
            // clock could succeed: skip to the first one after it, however far behind the clock
            // the deadline that fired was. With it (so before the grace ends), the first check
            // decides, even if the clock has already passed it: a jumping clock must not skip it.
            next = Math.min(next, passed ? plus(s.close.ts, timings.abortGraceMs())
                    : nextCheck(plus(s.close.ts, timings.abortGraceMs()), Math.max(now, clock)));
        } else if (stage == Stage.OPEN) {
            next = Math.min(next, stuckAt);
        }
        if (uncommitted) {
            next = Math.min(next, nextCheck(lookFrom, Math.max(now, clock)));
        }
        // Wake-ups only ever move earlier. A deadline that moved later (the usual case: every event
        // pushes the stuck deadline) keeps the earlier wake-up, which finds nothing due and re-arms:
        // one timer-queue update per deadline instead of two per event.
        if (s.timerTs == TxnState.NO_TIMER || next < s.timerTs) {
            d.add(new Decision.WakeAt(next, s.timerTs));
            s.timerTs = next;
        }
    }

    /** Remembers what holds the transaction back, for its alert and outcome; says so when it is new. */
    private static void heldBy(CloseSighting at, Blocker holder, Decisions d) {
        if (holder == null) {
            return;
        }
        Blocker previous = at.blockedBy;
        at.blockedBy = holder;
        if (previous == null || previous.producerId != holder.producerId) {
            d.add(new Decision.HeldBy(previous, holder));
        }
    }

    private static Decision.Close closed(TxnState s, long now) {
        long latency = s.has(TxnState.COMMITTED_FIRST) || !s.has(TxnState.CLOSE_MONITOR)
                ? 0
                : nonNegative(s.close.committedSeenAtMs - s.close.monitorSeenAtMs);
        return new Decision.Close(now, s.status(), durationMs(s), latency);
    }

    private static void end(TxnState s, Decision.Final decision, Decisions d) {
        if (s.timerTs != TxnState.NO_TIMER) {
            d.add(new Decision.CancelWake(s.timerTs));
            s.timerTs = TxnState.NO_TIMER;
        }
        d.end(decision);
    }

    /**
     * When Kafka is first asked whether a transaction seen only uncommitted was rolled back: the
     * abort grace (at least one re-check, a round of the rollback probe) before its stuck deadline,
     * so that the answer is in when the deadline comes; never before the grace after its latest
     * record. Not earlier: a transaction that merely lasts is not woken for it, and the committed
     * copies of its records have long arrived by then.
     */
    private long rollbackLookFrom(TxnState s, long stuckAt) {
        long lead = Math.max(timings.abortGraceMs(), timings.abortRecheckMs());
        return Math.max(plus(s.lastEventTs, timings.abortGraceMs()), stuckAt - lead);
    }

    /**
     * The next check for evidence after {@code now}: at {@code first}, then on a grid of
     * abortRecheckMs after it (an abort check is first at close + grace).
     */
    private long nextCheck(long first, long now) {
        if (now < first) {
            return first;
        }
        long every = Math.max(1, timings.abortRecheckMs());
        return plus(first, ((now - first) / every + 1) * every);
    }

    /** Close minus open, once both are known. */
    public static Long durationMs(TxnState s) {
        return s.openSeen() && s.closeSeen() ? nonNegative(s.close.ts - s.startTs) : null;
    }

    private static long nonNegative(long ms) {
        return Math.max(0, ms);
    }

    /** Saturating addition: deadlines near the end of time must not wrap around into the past. */
    private static long plus(long a, long b) {
        long r = a + b;
        if (((a ^ r) & (b ^ r)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return r;
    }
}
