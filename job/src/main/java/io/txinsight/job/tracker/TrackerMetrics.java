package io.txinsight.job.tracker;

import io.txinsight.events.CloseStatus;
import io.txinsight.job.records.View;
import java.io.Serializable;
import org.apache.flink.metrics.MetricGroup;

/**
 * Every figure the tracker reports. The tracker calls these on transitions; the implementation
 * decides how they become Flink metrics (see {@code io.txinsight.job.metrics}). A {@code txnType}
 * or {@code step} may be null (never seen) or unbounded: implementations cap label values.
 */
public interface TrackerMetrics {

    void opened(String txnType);

    void tentativelyClosed(String txnType);

    void closed(String txnType, CloseStatus status);

    void aborted(String txnType);

    void stuck(String txnType);

    void recovered(String txnType);

    void expired(String txnType);

    void outlier(String txnType);

    /** An event whose time is behind the monitor clock by more than the allowed out-of-orderness. */
    void late(View view);

    /** An event already seen in the same view (an at-least-once resend). */
    void duplicate(View view);

    /** Close minus open, when the close is first seen uncommitted. */
    void tentativeDuration(String txnType, long ms);

    /** Close minus open, when the close is seen committed. */
    void committedDuration(String txnType, long ms);

    /** Wall-clock ms from seeing the close uncommitted to seeing it committed. */
    void commitLatency(String txnType, long ms);

    /** step_done minus step_open of one step. */
    void stepDuration(String txnType, String step, long ms);

    /** From one step's done (or the open) to the next step's open. */
    void interStepGap(String txnType, long ms);

    /**
     * The open's amount of a Closed transaction, in its currency ({@code currency} null if the open
     * had none, or unbounded: implementations cap it as they cap types).
     */
    void closedAmount(String txnType, String currency, double amount);

    /** Makes the metrics of one tracker subtask. Serializable: it travels with the job graph. */
    interface Factory extends Serializable {
        TrackerMetrics create(MetricGroup operatorGroup, LiveCounts counts);
    }

    /** Reports nothing; for tests that only look at outputs. */
    Factory NONE = (group, counts) -> new TrackerMetrics() {
        @Override public void opened(String t) {}
        @Override public void tentativelyClosed(String t) {}
        @Override public void closed(String t, CloseStatus s) {}
        @Override public void aborted(String t) {}
        @Override public void stuck(String t) {}
        @Override public void recovered(String t) {}
        @Override public void expired(String t) {}
        @Override public void outlier(String t) {}
        @Override public void late(View v) {}
        @Override public void duplicate(View v) {}
        @Override public void tentativeDuration(String t, long ms) {}
        @Override public void committedDuration(String t, long ms) {}
        @Override public void commitLatency(String t, long ms) {}
        @Override public void stepDuration(String t, String s, long ms) {}
        @Override public void interStepGap(String t, long ms) {}
        @Override public void closedAmount(String t, String c, double amount) {}
    };
}
