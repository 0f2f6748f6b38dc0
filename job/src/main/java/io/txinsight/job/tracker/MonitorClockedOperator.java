package io.txinsight.job.tracker;

import io.txinsight.events.Outcome;
import io.txinsight.job.records.ViewEvent;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Runs the {@link TransactionTracker} on one clock: the monitor view's watermark (input 1).
 *
 * <p>Why: a two-input operator's event time is the minimum of its inputs' watermarks, an input
 * marked idle being left out. The committed view (input 2) lags by design and stalls entirely
 * while a hanging Kafka transaction pins the last stable offset. Left in the minimum it would hold
 * back every timer, so stuck alerts would stop exactly when the upstream is in trouble; flapping
 * between idle and active it would hand the clock back and forth. So input 2 is marked idle once,
 * at open, and its watermarks and watermark statuses are ignored from then on: the combined
 * watermark is the monitor's, always. The committed view's progress reaches the tracker as data
 * instead (see {@link CommittedView}).
 *
 * <p>One exception, for bounded runs (tests, catch-up benchmarks): when the monitor input ends, its
 * final watermark (end of time) would fire every timer at once, while the committed view, which
 * lags by design, may still be delivering closes: transactions would expire a moment before their
 * committed close arrives. So the monitor's end-of-time watermark is held until the committed
 * input has ended too.
 *
 * <p>It also does two things only an operator can: it tells the tracker every new watermark (so
 * the oldest-open-age gauge keeps growing while no event arrives) and, after a restore, has the
 * tracker re-count the restored transactions for its live gauges.
 */
public final class MonitorClockedOperator extends KeyedCoProcessOperator<String, ViewEvent, ViewEvent, Outcome>
        implements BoundedMultiInput {
    private static final long serialVersionUID = 1L;

    /** Index of the committed input in the operator's watermark bookkeeping (0-based). */
    private static final int COMMITTED_INPUT = 1;
    /** Id of the committed input in {@link #endInput(int)} (1-based). */
    private static final int COMMITTED_INPUT_ID = 2;

    private final TransactionTracker tracker;
    private transient boolean committedEnded;
    private transient boolean endOfTimeHeld;

    public MonitorClockedOperator(TransactionTracker tracker) {
        super(tracker);
        this.tracker = tracker;
    }

    @Override
    public void open() throws Exception {
        super.open();
        super.processWatermarkStatus(WatermarkStatus.IDLE, COMMITTED_INPUT);
        getKeyedStateBackend()
                .applyToAllKeys(
                        VoidNamespace.INSTANCE,
                        VoidNamespaceSerializer.INSTANCE,
                        tracker.stateDescriptor(),
                        (key, state) -> tracker.recount(state.value()));
    }

    @Override
    public void processWatermark1(Watermark mark) throws Exception {
        if (mark.getTimestamp() == Long.MAX_VALUE && !committedEnded) {
            endOfTimeHeld = true;
            return;
        }
        super.processWatermark1(mark);
    }

    @Override
    public void endInput(int inputId) throws Exception {
        if (inputId == COMMITTED_INPUT_ID) {
            committedEnded = true;
            if (endOfTimeHeld) {
                endOfTimeHeld = false;
                super.processWatermark1(Watermark.MAX_WATERMARK);
            }
        }
    }

    @Override
    public void processWatermark2(Watermark mark) {
        // The committed view does not drive time; see the class comment.
    }

    @Override
    protected void processWatermarkStatus(WatermarkStatus status, int inputIndex) throws Exception {
        if (inputIndex != COMMITTED_INPUT) {
            super.processWatermarkStatus(status, inputIndex);
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        super.processWatermark(mark);
        tracker.clockAt(mark.getTimestamp());
    }
}
