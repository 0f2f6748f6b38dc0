package io.txinsight.job.tracker.lifecycle;

import io.txinsight.events.CloseStatus;
import io.txinsight.job.records.View;

/**
 * What the {@link TxnLifecycle} decided on one event or one deadline. The tracker carries each out:
 * outputs and metrics for most, the timer service for {@link WakeAt} and {@link CancelWake}.
 * Sealed, so that a new kind of decision is a compile error wherever decisions are carried out.
 */
public sealed interface Decision {

    /** A monitor-view event behind the monitor clock: counted, and still applied. */
    record Late(View view) implements Decision {}

    /** An event already seen in the same view, or of a transaction closed recently: counted only. */
    record Duplicate(View view) implements Decision {}

    /** The open was seen for the first time. */
    record Opened() implements Decision {}

    /** The close was seen in the monitor view first: committed or aborted is still open. */
    record TentativelyClosed() implements Decision {}

    /** Close minus open, once both are known and the close was first seen uncommitted. */
    record TentativeDuration(long ms) implements Decision {}

    /** step_done minus step_open of one step, once both are known. */
    record StepTook(String step, long ms) implements Decision {}

    /** From the previous step's done (or the open) to this step's open. */
    record GapBeforeStep(long ms) implements Decision {}

    /** Silent past the stuck timeout: one alert per silence, raised as of monitor time {@code at}. */
    record RaiseStuck(long at, long stuckTimeoutMs) implements Decision {}

    /**
     * A Kafka transaction was found holding the transaction back (its close, or its records seen
     * only uncommitted): {@code holder}, in place of {@code previous} (null if none was known).
     */
    record HeldBy(Blocker previous, Blocker holder) implements Decision {}

    /** A stuck transaction showed life again. */
    record Recovered() implements Decision {}

    /** Call back at monitor time {@code at}; {@code replaces} is the wake-up it supersedes, if any. */
    record WakeAt(long at, long replaces) implements Decision {
        /** Value of {@link #replaces} when no wake-up was pending. */
        public static final long NONE = TxnState.NO_TIMER;
    }

    /** The pending wake-up at {@code at} is no longer needed (the transaction ended). */
    record CancelWake(long at) implements Decision {}

    /** The transaction ended: one outcome, and nothing left behind. */
    sealed interface Final extends Decision permits Close, Abort, Expire {
        /** Monitor time the decision was taken at. */
        long at();
    }

    /** Closed: the committed view showed the close and the monitor clock passed it. */
    record Close(long at, CloseStatus result, Long durationMs, long commitLatencyMs) implements Final {}

    /** Aborted: the committed view provably passed the close without showing it. */
    record Abort(long at) implements Final {}

    /** Expired: no event for the retention time. */
    record Expire(long at) implements Final {}
}
