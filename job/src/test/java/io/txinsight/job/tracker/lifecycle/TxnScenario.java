package io.txinsight.job.tracker.lifecycle;

import io.txinsight.events.CloseStatus;
import io.txinsight.events.EventType;
import io.txinsight.job.records.View;
import io.txinsight.job.records.ViewEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A random life of one business transaction on one partition, made from a seed: its events with
 * silences between some of them, written in a random order with resends, some in Kafka
 * transactions that abort, and delivered through both views (each in offset order, the two
 * interleaved at random, records now and then delivered twice), with the monitor clock moving in
 * between. Ends with the clock at the end of time.
 */
final class TxnScenario {
    static final long STUCK_TIMEOUT = 10_500; // gaps are whole seconds: never exactly a timeout
    static final long GRACE = 5_000;
    static final long RECHECK = 1_000;
    static final long RETENTION = 300_000;
    /** How far the clock may run ahead of the committed view (well within retention). */
    static final long COMMITTED_LAG = 50_000;
    private static final long T0 = 1_700_000_000_000L;

    enum Kind {
        /** Every record committed: Closed. */
        COMMITTED,
        /** The close (and perhaps more) in Kafka transactions that abort: Aborted. */
        ABORTED,
        /**
         * Never closes: stuck, then Expired; or Aborted, when none of its records was committed
         * ({@link #rolledBackWhole}) and the committed view passes them.
         */
        NEVER_CLOSED
    }

    /** One step of the script: a delivery, the committed view passing the transaction, or a tick. */
    record Step(ViewEvent record, View view, long passed, long clock) {
        static Step delivery(ViewEvent r, View v) {
            return new Step(r, v, -1, Long.MIN_VALUE);
        }

        static Step evidence(long offset) {
            return new Step(null, null, offset, Long.MIN_VALUE);
        }

        static Step tick(long clock) {
            return new Step(null, null, -1, clock);
        }
    }

    final Kind kind;
    final CloseStatus status;
    /** Event times of the events other than the close, one per logical event. */
    final List<Long> lifeTimes = new ArrayList<>();
    final long closeTs;
    /** Never closed and no record committed: every record was rolled back by Kafka. */
    final boolean rolledBackWhole;
    final List<Step> script = new ArrayList<>();

    /** How the monitor clock moves relative to the monitor view's deliveries. */
    enum Clock {
        /** Written in event-time order, the clock just behind each record as it is delivered: live. */
        KEEPS_UP,
        /** Written in any order, the clock behind every monitor record still to come: a correct watermark. */
        CORRECT,
        /** Written in any order, the clock anywhere: late events. */
        ANY
    }

    /** @param committedLags whether every committed copy comes after its monitor copy */
    TxnScenario(long seed, Clock clockMode, boolean committedLags) {
        Random r = new Random(seed);
        kind = Kind.values()[r.nextInt(Kind.values().length)];
        status = r.nextInt(4) == 0 ? CloseStatus.FAILED : CloseStatus.SUCCESS;

        // The events in event time: open, steps, close last, with an occasional silence.
        List<ViewEvent> events = new ArrayList<>();
        long ts = T0;
        events.add(event(EventType.TRANSACTION_OPEN, null, ts));
        int steps = r.nextInt(4);
        for (int i = 0; i < steps; i++) {
            ts += gap(r);
            events.add(event(EventType.STEP_OPEN, "s" + i, ts));
            ts += gap(r);
            events.add(event(EventType.STEP_DONE, "s" + i, ts));
        }
        for (ViewEvent e : events) {
            lifeTimes.add(e.ts);
        }
        ts += gap(r);
        closeTs = ts;
        if (kind != Kind.NEVER_CLOSED) {
            ViewEvent close = event(EventType.TRANSACTION_CLOSE, null, ts);
            close.status = status;
            events.add(close);
        }

        // Written: in event order or shuffled, with resends; each record committed or aborted. An
        // aborted close is written last: its Kafka transaction aborted, nothing of it follows.
        if (clockMode != Clock.KEEPS_UP && r.nextBoolean()) {
            Collections.shuffle(events, r);
            if (kind == Kind.ABORTED) {
                events.sort((a, b) -> Boolean.compare(
                        a.eventType == EventType.TRANSACTION_CLOSE, b.eventType == EventType.TRANSACTION_CLOSE));
            }
        }
        List<ViewEvent> written = new ArrayList<>();
        List<Boolean> committed = new ArrayList<>();
        for (ViewEvent e : events) {
            int copies = r.nextInt(6) == 0 ? 2 : 1;
            for (int c = 0; c < copies; c++) {
                ViewEvent w = copyAt(e, written.size());
                written.add(w);
                boolean close = e.eventType == EventType.TRANSACTION_CLOSE;
                committed.add(kind == Kind.ABORTED ? !close && r.nextInt(4) != 0 : kind == Kind.COMMITTED || r.nextInt(5) != 0);
            }
        }

        // Delivered: each view in offset order, now and then a record twice.
        List<ViewEvent> monitor = new ArrayList<>();
        List<ViewEvent> committedView = new ArrayList<>();
        for (int i = 0; i < written.size(); i++) {
            monitor.add(written.get(i));
            if (r.nextInt(10) == 0) {
                monitor.add(written.get(i));
            }
            if (committed.get(i)) {
                committedView.add(written.get(i));
                if (r.nextInt(10) == 0) {
                    committedView.add(written.get(i));
                }
            }
        }
        rolledBackWhole = kind == Kind.NEVER_CLOSED && !committed.contains(true);
        long evidenceOffset = written.size(); // a later committed record of another transaction
        interleave(r, monitor, committedView, evidenceOffset, clockMode, committedLags);
        script.add(Step.tick(Long.MAX_VALUE));
    }

    private void interleave(Random r, List<ViewEvent> monitor, List<ViewEvent> committed, long evidenceOffset,
            Clock clockMode, boolean committedLags) {
        int m = 0;
        int c = 0;
        long clock = T0 - 1;
        while (m < monitor.size() || c <= committed.size()) {
            if (r.nextInt(5) < 2) {
                long bound = clockMode == Clock.ANY ? clock + 40_000 : clockBound(monitor, m, committed, c);
                if (bound > clock) {
                    clock += 1 + (long) (r.nextDouble() * (bound - clock));
                    clock = Math.min(clock, bound);
                    script.add(Step.tick(clock));
                }
            }
            boolean monitorCan = m < monitor.size();
            boolean committedCan = c < committed.size()
                    && (!committedLags || !monitorCan || committed.get(c).offset < monitor.get(m).offset);
            boolean evidenceCan = c == committed.size() && (!committedLags || !monitorCan);
            boolean monitorNext = monitorCan && (!(committedCan || evidenceCan) || r.nextBoolean());
            if (monitorNext && clockMode == Clock.KEEPS_UP) {
                long target = monitor.get(m).ts - 400; // whole-second gaps: a silence passes its deadline
                if (committedCan && committed.get(c).ts + COMMITTED_LAG < target) {
                    monitorNext = false; // live, the committed view does not fall that far behind
                } else if (target > clock) {
                    clock = Math.min(target, clockBound(monitor, m, committed, c));
                    script.add(Step.tick(clock));
                }
            }
            if (monitorNext) {
                script.add(Step.delivery(monitor.get(m++), View.MONITOR));
            } else if (committedCan) {
                script.add(Step.delivery(committed.get(c++), View.COMMITTED));
            } else {
                script.add(Step.evidence(evidenceOffset));
                c++;
            }
        }
    }

    /** A correct monitor watermark, with the committed view at most COMMITTED_LAG behind. */
    private long clockBound(List<ViewEvent> monitor, int m, List<ViewEvent> committed, int c) {
        long bound = Long.MAX_VALUE;
        for (int i = m; i < monitor.size(); i++) {
            bound = Math.min(bound, monitor.get(i).ts);
        }
        for (int i = c; i < committed.size(); i++) {
            bound = Math.min(bound, committed.get(i).ts + COMMITTED_LAG);
        }
        if (c <= committed.size()) { // the evidence is still to come
            bound = Math.min(bound, closeTs + COMMITTED_LAG);
        }
        return bound;
    }

    /** Whole seconds; one in five is a silence longer than the stuck timeout. */
    private static long gap(Random r) {
        return 1_000L * (r.nextInt(5) == 0 ? 11 + r.nextInt(15) : r.nextInt(5));
    }

    private static ViewEvent event(EventType type, String step, long ts) {
        ViewEvent e = new ViewEvent();
        e.eventType = type;
        e.txnId = "t1";
        e.ts = ts;
        e.step = step;
        e.txnType = type == EventType.TRANSACTION_OPEN ? "payment" : null;
        e.topic = OneTransaction.TOPIC;
        return e;
    }

    private static ViewEvent copyAt(ViewEvent e, long offset) {
        ViewEvent w = event(e.eventType, e.step, e.ts);
        w.status = e.status;
        w.offset = offset;
        w.seenAtMs = e.ts + offset;
        return w;
    }

    static Timings timings() {
        return new Timings(type -> STUCK_TIMEOUT, GRACE, RECHECK, RETENTION);
    }

    /** Runs the script; {@code creep} splits every move of the clock into many small ones. */
    OneTransaction run(int creep) {
        OneTransaction txn = new OneTransaction(timings());
        long clock = Long.MIN_VALUE;
        for (Step s : script) {
            if (s.record() != null) {
                txn.deliver(s.record(), s.view());
            } else if (s.passed() >= 0) {
                txn.committedPassed(s.passed());
            } else {
                if (creep > 1 && clock != Long.MIN_VALUE) {
                    long step = (s.clock() - clock) / creep;
                    for (int k = 1; k < creep; k++) {
                        txn.clock(clock + k * step);
                    }
                }
                txn.clock(s.clock());
                clock = s.clock();
            }
        }
        return txn;
    }

    /**
     * The stuck alerts owed when the clock keeps up and every first sighting comes through the
     * monitor view: one per gap between signs of life longer than the timeout, and one for the silence
     * before the close (or before the end, when it never closes), each as of its deadline.
     */
    List<Long> owedAlerts() {
        List<Long> times = new ArrayList<>(lifeTimes);
        Collections.sort(times);
        times.add(kind == Kind.NEVER_CLOSED ? Long.MAX_VALUE : closeTs);
        List<Long> owed = new ArrayList<>();
        for (int i = 0; i + 1 < times.size(); i++) {
            if (times.get(i + 1) - times.get(i) > STUCK_TIMEOUT) {
                owed.add(times.get(i) + STUCK_TIMEOUT);
            }
        }
        if (rolledBackWhole && provenBeforeLastDeadline(times.get(times.size() - 2) + STUCK_TIMEOUT)) {
            owed.remove(owed.size() - 1); // Aborted before its last silence was due: records that never were
        }
        return owed;
    }

    /** Whether the committed view passes the records before the clock reaches {@code deadline}. */
    private boolean provenBeforeLastDeadline(long deadline) {
        for (Step s : script) {
            if (s.passed() >= 0) {
                return true;
            }
            if (s.record() == null && s.clock() >= deadline) {
                return false;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(kind + " " + status + "\n");
        for (Step s : script) {
            ViewEvent e = s.record();
            sb.append("  ").append(e != null
                    ? s.view() + " " + e.eventType.wireName() + (e.step == null ? "" : " " + e.step)
                            + " ts=" + e.ts + " offset=" + e.offset
                    : s.passed() >= 0 ? "committed view passes " + s.passed() : "clock " + s.clock()).append('\n');
        }
        return sb.toString();
    }
}
