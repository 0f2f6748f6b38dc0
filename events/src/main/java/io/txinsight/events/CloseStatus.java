package io.txinsight.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Optional;

/**
 * The business result a producer reports on {@code transaction_close}. It is an attribute of the
 * outcome, not a lifecycle state: a failed payment is still a closed transaction.
 */
public enum CloseStatus implements WireNamed {
    SUCCESS,
    FAILED;

    @JsonCreator
    static CloseStatus fromJson(String value) {
        return WireNamed.parse(CloseStatus.class, "status", value);
    }

    public static Optional<CloseStatus> fromWire(String value) {
        return WireNamed.fromWire(CloseStatus.class, value);
    }
}
