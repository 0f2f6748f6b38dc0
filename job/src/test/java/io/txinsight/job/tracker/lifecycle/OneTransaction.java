package io.txinsight.job.tracker.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.job.records.View;
import io.txinsight.job.records.ViewEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * One transaction's lifecycle as a tracker subtask runs it, without Flink: the held state stands
 * for keyed state, one pending wake-up for the key's timer (fired the way Flink's event-time timer
 * service fires them: in order, each as of its own time, while the clock is at or past it), and a
 * partition position for the committed view's evidence. Every decision but the wake-ups is logged.
 */
final class OneTransaction {
    static final String TOPIC = "payments";
    private static final long NONE = TxnState.NO_TIMER;

    private final TxnLifecycle lifecycle;
    private final List<Decision> log = new ArrayList<>();
    private TxnState held;
    private long timer = NONE;
    private long clock = Long.MIN_VALUE;
    private long committedPosition = -1;
    private long previousClose = TxnLifecycle.NO_PREVIOUS_LIFE;

    OneTransaction(Timings timings) {
        this.lifecycle = new TxnLifecycle(timings,
                (topic, partition, offset) -> committedPosition > offset, new NamePool(100));
    }

    /** A record delivered through one view. */
    void deliver(ViewEvent record, View view) {
        ViewEvent e = copy(record, view);
        if (view == View.COMMITTED) {
            committedPosition = Math.max(committedPosition, e.offset);
        }
        carryOut(lifecycle.onEvent(held, e, view, clock,
                held == null || held.reborn() ? previousClose : TxnLifecycle.NO_PREVIOUS_LIFE));
    }

    /** The committed view passed {@code offset} with a record of another transaction. */
    void committedPassed(long offset) {
        committedPosition = Math.max(committedPosition, offset);
    }

    /** The monitor clock moves to {@code watermark}; like Flink's, it never goes back. */
    void clock(long watermark) {
        if (watermark <= clock) {
            return;
        }
        clock = watermark;
        while (timer != NONE && timer <= clock) {
            long due = timer;
            timer = NONE;
            assertThat(held).as("a timer without state").isNotNull();
            carryOut(lifecycle.onDeadline(held, due, clock));
        }
    }

    private void carryOut(Decisions decisions) {
        for (Decision d : decisions) {
            if (d instanceof Decision.WakeAt wake) {
                assertThat(wake.replaces()).as("the wake-up it replaces").isEqualTo(timer);
                timer = wake.at();
            } else if (d instanceof Decision.CancelWake cancel) {
                assertThat(cancel.at()).as("the wake-up it cancels").isEqualTo(timer);
                timer = NONE;
            } else {
                log.add(d);
            }
        }
        if (decisions.ended()) {
            assertThat(timer).as("a final decision leaves no timer").isEqualTo(NONE);
            if (decisions.asList().get(decisions.asList().size() - 1) instanceof Decision.Close) {
                previousClose = decisions.txn().close.ts;
            }
            held = null;
        } else if (decisions.txn() != null) {
            held = decisions.txn();
        }
    }

    List<Decision> decisions() {
        return log;
    }

    /** Whether no state and no wake-up are left: the harness tests' assertNothingLeft. */
    boolean nothingLeft() {
        return held == null && timer == NONE;
    }

    private static ViewEvent copy(ViewEvent r, View view) {
        ViewEvent e = new ViewEvent();
        e.view = view;
        e.eventType = r.eventType;
        e.txnId = r.txnId;
        e.ts = r.ts;
        e.step = r.step;
        e.txnType = r.txnType;
        e.status = r.status;
        e.topic = r.topic;
        e.partition = r.partition;
        e.offset = r.offset;
        e.seenAtMs = r.seenAtMs;
        return e;
    }
}
