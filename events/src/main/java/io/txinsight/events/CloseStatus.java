package io.txinsight.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Optional;

/**
 * The business result a producer reports on {@code transaction_close}. It is an attribute of the
 * outcome, not a lifecycle state: a failed payment is still a closed transaction.
 */
public enum CloseStatus {
    SUCCESS("success"),
    FAILED("failed");

    private final String wireName;

    CloseStatus(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    static CloseStatus fromJson(String value) {
        return fromWire(value).orElseThrow(() -> new IllegalArgumentException("unknown status '" + value + "'"));
    }

    public static Optional<CloseStatus> fromWire(String value) {
        for (CloseStatus s : values()) {
            if (s.wireName.equals(value)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
