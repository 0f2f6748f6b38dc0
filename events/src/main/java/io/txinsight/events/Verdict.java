package io.txinsight.events;

import com.fasterxml.jackson.annotation.JsonCreator;

/**
 * Where a business transaction ends up, as the simulator's truth states it and as the validator
 * reads it off the job's outputs. One vocabulary for both so they compare directly.
 */
public enum Verdict implements WireNamed {
    /** Closed (seen in the committed view) with status success. */
    CLOSED_SUCCESS,
    /** Closed (seen in the committed view) with status failed. */
    CLOSED_FAILED,
    /** The Kafka transaction carrying its close (or all its events) aborted. */
    ABORTED,
    /** Went silent for longer than the stuck timeout and never closed. */
    STUCK,
    /** Never reached a final state within the retention bound (no stuck alert either). */
    EXPIRED;

    @JsonCreator
    public static Verdict fromWire(String value) {
        return WireNamed.parse(Verdict.class, "verdict", value);
    }
}
