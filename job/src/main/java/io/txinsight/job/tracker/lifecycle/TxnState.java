package io.txinsight.job.tracker.lifecycle;

import io.txinsight.events.CloseStatus;
import io.txinsight.events.EventType;
import io.txinsight.job.records.View;

/**
 * Everything the tracker remembers about one business transaction: a single small object per key,
 * because with a million transactions in flight every field costs a megabyte (goal: at most 300
 * heap bytes per open transaction, Flink's own per-key overhead included; see
 * {@code bench/tracker-state-size.sh}).
 *
 * <p>Hence primitives instead of boxed values, booleans packed into {@link #flags}, the close apart
 * ({@link CloseSighting}, only once seen), step times in one array sized to the steps seen, step
 * names and their sequences shared through {@link NamePool}, and no copy of the {@code txn_id}
 * (the state backend already keys the entry by it). The type and the currency share one
 * reference ({@link TxnKind}, pooled), and the open's amount is one long ({@link PackedAmount}):
 * of the open's attributes only what the statistics need at the close is kept (not the account,
 * merchant or category: active accounts are counted when the open is read). Step times are ints,
 * ms from {@link #startTs}: from two steps on, the array shrinks by at least the 8 bytes the
 * amount costs (the usual transaction has several steps). Which step
 * events were seen in which view takes 4 bits per step: for the first {@link #FLAG_STEPS} steps
 * in the spare high bits of {@link #flags}, for the others in words after the step times in
 * {@link #stepTs}.
 *
 * <p>A Flink POJO (public fields, no-arg constructor): checkpoints serialize it field by field and
 * it can evolve (add a field) without Kryo. Only the {@link TxnLifecycle} mutates it; where the
 * transaction stands is {@link #stage()}, derived from the flags rather than stored a second time.
 */
public class TxnState {

    /** Value of {@link #timerTs} while no timer is registered. */
    public static final long NO_TIMER = Long.MIN_VALUE;

    /** The most distinct steps remembered per transaction; beyond it, steps still count as progress. */
    public static final int MAX_STEPS = 64;

    // Flags: what has been seen in which view, and where the transaction stands.
    static final int OPEN_MONITOR = 1;
    static final int OPEN_COMMITTED = 1 << 1;
    static final int CLOSE_MONITOR = 1 << 2;
    static final int CLOSE_COMMITTED = 1 << 3;
    /**
     * A record of the transaction has been seen in the committed view, so Kafka did not roll all of
     * it back. (Bit 4 once meant STUCK, now derived: restored from such a state it only delays a
     * rolled-back verdict, never makes one.)
     */
    static final int COMMITTED_SEEN = 1 << 4;
    static final int WAS_STUCK = 1 << 5;
    static final int FAILED = 1 << 6;
    /** The committed view showed the close before the monitor view did: commit latency is 0. */
    static final int COMMITTED_FIRST = 1 << 7;
    /** An event other than the close has been seen: {@link #lastEventTs} is the last sign of life. */
    static final int ALIVE = 1 << 8;
    /**
     * The current silence has had its stuck alert; cleared when the transaction shows life again.
     * While no close is seen this is what makes the transaction {@link Stage#STUCK}.
     */
    static final int SILENCE_ALERTED = 1 << 9;
    /**
     * A new life of a {@code txn_id} whose previous life closed recently: events dated at or before
     * that close are copies of the old life, not part of this one (see {@link TxnLifecycle#onEvent}).
     */
    static final int REBORN = 1 << 10;
    /**
     * Its records seen only by the monitor view lie on more than one partition: {@link #close}
     * holds one range, so no proof that they were all rolled back can be had.
     */
    static final int SPREAD = 1 << 11;

    // Per-step bits: which step events were seen in which view.
    static final int STEP_OPEN_MONITOR = 1;
    static final int STEP_OPEN_COMMITTED = 1 << 1;
    static final int STEP_DONE_MONITOR = 1 << 2;
    static final int STEP_DONE_COMMITTED = 1 << 3;
    private static final int BITS_PER_STEP = 4;
    private static final int STEP_MASK = (1 << BITS_PER_STEP) - 1;
    /** Where the first steps' bits start in {@link #flags}, above the flags above. */
    private static final int FLAG_STEPS_SHIFT = 12;
    /** Steps whose bits fit in {@link #flags}. */
    static final int FLAG_STEPS = (Integer.SIZE - FLAG_STEPS_SHIFT) / BITS_PER_STEP;
    private static final int STEPS_PER_WORD = Integer.SIZE / BITS_PER_STEP;

    /** Event time of the open once seen; until then the earliest event time seen. */
    public long startTs;
    /**
     * Latest event time seen in either view, the close left out once any other event is known:
     * the reference for stuck and retention. A close ends the transaction rather than showing it
     * alive, so a silence longer than the stuck timeout before a late close stays visible and still
     * raises its alert, whichever of the close and the watermark reaches the tracker first.
     */
    public long lastEventTs;
    /** The one event-time timer registered for this key, or {@link #NO_TIMER}. */
    public long timerTs = NO_TIMER;
    /** The open's amount, exact ({@link PackedAmount}); {@link PackedAmount#NONE} until known. */
    public long amount = PackedAmount.NONE;
    public int flags;
    /** Type and currency, shared; null while neither is known. */
    public TxnKind kind;
    /**
     * The close, once seen in either view. Before it, and only while every record of the
     * transaction was seen by the monitor view alone (the Kafka transactions carrying them are not
     * committed, or not yet read committed), where those records lie: what a proof that Kafka rolled
     * them all back must cover ({@link #onlyUncommitted}). Null otherwise: a transaction whose
     * records are committed pays one reference until it closes.
     */
    public CloseSighting close;
    /** Distinct step names, in the order first seen; shared, never written to. */
    public String[] steps;
    /**
     * Per step: the step_done time once seen, else the step_open time (its latest event), in ms
     * from {@link #startTs} ({@link #stepTime}); after the step times, the seen bits of the steps
     * beyond {@link #FLAG_STEPS}. Ints reach 24 days either side of the start: a step further
     * away (only a producer's broken clock puts one there) is remembered at that limit.
     */
    public int[] stepTs;

    public TxnState() {}

    static TxnState startedBy(long ts) {
        TxnState s = new TxnState();
        s.startTs = ts;
        s.lastEventTs = ts;
        return s;
    }

    /** The {@code txn_type}, once an event carried one; else null. */
    public String txnType() {
        return kind == null ? null : kind.txnType;
    }

    /** The open's currency, once known; else null. */
    public String currency() {
        return kind == null ? null : kind.currency;
    }

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    void set(int flag) {
        flags |= flag;
    }

    void clear(int flag) {
        flags &= ~flag;
    }

    public boolean openSeen() {
        return has(OPEN_MONITOR | OPEN_COMMITTED);
    }

    /** Where the transaction stands in its lifecycle (final states leave no state at all). */
    public Stage stage() {
        if (has(CLOSE_COMMITTED)) {
            return Stage.CLOSING;
        }
        if (has(CLOSE_MONITOR)) {
            return Stage.TENTATIVELY_CLOSED;
        }
        return has(SILENCE_ALERTED) ? Stage.STUCK : Stage.OPEN;
    }

    /** Whether the close has been seen, in either view. */
    public boolean closeSeen() {
        return has(CLOSE_MONITOR | CLOSE_COMMITTED);
    }

    /**
     * Whether no close has been seen and every record seen so far came through the monitor view
     * alone, from one partition, remembered in {@link #close}: the transaction Kafka may yet prove
     * rolled back whole, with no close needed.
     */
    public boolean onlyUncommitted() {
        return close != null && !closeSeen() && !has(COMMITTED_SEEN | SPREAD);
    }

    /** Whether a previous life of its id closed recently (so its events need telling apart). */
    public boolean reborn() {
        return has(REBORN);
    }

    /** Whether a stuck alert was ever raised for it. */
    public boolean wasStuck() {
        return has(WAS_STUCK);
    }

    public CloseStatus status() {
        return has(FAILED) ? CloseStatus.FAILED : CloseStatus.SUCCESS;
    }

    public int stepCount() {
        return steps == null ? 0 : steps.length;
    }

    int stepIndex(String step) {
        if (steps != null) {
            for (int i = 0; i < steps.length; i++) {
                if (steps[i].equals(step)) {
                    return i;
                }
            }
        }
        return -1;
    }

    /**
     * Appends a step, its name list shared by {@code names}; returns its index, or -1 when {@link
     * #MAX_STEPS} are already remembered.
     */
    int addStep(String step, NamePool names) {
        int n = stepCount();
        if (n >= MAX_STEPS) {
            return -1;
        }
        int[] times = new int[n + 1 + bitWords(n + 1)];
        if (n > 0) {
            System.arraycopy(stepTs, 0, times, 0, n);
            System.arraycopy(stepTs, n, times, n + 1, bitWords(n));
        }
        steps = names.shareSteps(steps, step);
        stepTs = times;
        return n;
    }

    /** Event time of step {@code i}'s latest event. */
    long stepTime(int i) {
        return startTs + stepTs[i];
    }

    void setStepTime(int i, long ts) {
        stepTs[i] = offset(ts, startTs);
    }

    /** Moves {@link #startTs}, keeping the step times where they are. */
    void moveStart(long ts) {
        for (int i = 0; i < stepCount(); i++) {
            stepTs[i] = offset(stepTime(i), ts);
        }
        startTs = ts;
    }

    /** {@code ts - from} as an int, saturated. */
    private static int offset(long ts, long from) {
        long d = ts - from;
        if (((ts ^ from) & (ts ^ d)) < 0) { // the subtraction itself overflowed
            return ts < from ? Integer.MIN_VALUE : Integer.MAX_VALUE;
        }
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, d));
    }

    /** Words after the step times that hold the bits of steps beyond {@link #FLAG_STEPS}. */
    private static int bitWords(int stepCount) {
        int beyond = stepCount - FLAG_STEPS;
        return beyond <= 0 ? 0 : (beyond + STEPS_PER_WORD - 1) / STEPS_PER_WORD;
    }

    boolean stepHas(int i, int bit) {
        return (stepBits(i) & bit) != 0;
    }

    void stepSet(int i, int bit) {
        if (i < FLAG_STEPS) {
            flags |= bit << (FLAG_STEPS_SHIFT + i * BITS_PER_STEP);
        } else {
            int j = i - FLAG_STEPS;
            stepTs[stepCount() + j / STEPS_PER_WORD] |= bit << ((j % STEPS_PER_WORD) * BITS_PER_STEP);
        }
    }

    private int stepBits(int i) {
        if (i < FLAG_STEPS) {
            return (flags >>> (FLAG_STEPS_SHIFT + i * BITS_PER_STEP)) & STEP_MASK;
        }
        int j = i - FLAG_STEPS;
        return (stepTs[stepCount() + j / STEPS_PER_WORD] >>> ((j % STEPS_PER_WORD) * BITS_PER_STEP)) & STEP_MASK;
    }

    /** The step whose latest event is the latest: what the transaction was doing last. */
    public String lastStep() {
        int n = stepCount();
        if (n == 0) {
            return null;
        }
        int last = 0;
        for (int i = 1; i < n; i++) {
            if (stepTs[i] >= stepTs[last]) {
                last = i;
            }
        }
        return steps[last];
    }

    /**
     * Where the gap before a step opening at {@code ts} starts: the latest step_done at or before
     * {@code ts} (other than that step's own), or the open if later; {@code Long.MIN_VALUE} if none.
     */
    long gapAnchorBefore(long ts, int openingStep) {
        long anchor = openSeen() && startTs <= ts ? startTs : Long.MIN_VALUE;
        for (int i = 0; i < stepCount(); i++) {
            if (i != openingStep
                    && stepHas(i, STEP_DONE_MONITOR | STEP_DONE_COMMITTED)
                    && stepTime(i) <= ts
                    && stepTime(i) > anchor) {
                anchor = stepTime(i);
            }
        }
        return anchor;
    }

    /** The flag bit recording that {@code type} (a transaction-level event) was seen in {@code view}. */
    static int txnBit(EventType type, View view) {
        int monitorBit = type == EventType.TRANSACTION_OPEN ? OPEN_MONITOR : CLOSE_MONITOR;
        return view == View.MONITOR ? monitorBit : monitorBit << 1;
    }

    /** The step bit recording that {@code type} (a step event) was seen in {@code view}. */
    static int stepBit(EventType type, View view) {
        int monitorBit = type == EventType.STEP_OPEN ? STEP_OPEN_MONITOR : STEP_DONE_MONITOR;
        return view == View.MONITOR ? monitorBit : monitorBit << 1;
    }
}
