package io.txinsight.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where a business transaction ends up, as the simulator's truth states it and as the validator
 * reads it off the job's outputs. One vocabulary for both so they compare directly.
 */
public enum Verdict {
    /** Closed (seen in the committed view) with status success. */
    CLOSED_SUCCESS("closed_success"),
    /** Closed (seen in the committed view) with status failed. */
    CLOSED_FAILED("closed_failed"),
    /** The Kafka transaction carrying its close (or all its events) aborted. */
    ABORTED("aborted"),
    /** Went silent for longer than the stuck timeout and never closed. */
    STUCK("stuck"),
    /** Never reached a final state within the retention bound (no stuck alert either). */
    EXPIRED("expired");

    private final String wireName;

    Verdict(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static Verdict fromWire(String value) {
        for (Verdict v : values()) {
            if (v.wireName.equals(value)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown verdict '" + value + "'");
    }
}
