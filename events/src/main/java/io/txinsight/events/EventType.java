package io.txinsight.events;

import java.util.Optional;

/** The four kinds of business event a producer emits for one business transaction. */
public enum EventType {
    TRANSACTION_OPEN("transaction_open"),
    STEP_OPEN("step_open"),
    STEP_DONE("step_done"),
    TRANSACTION_CLOSE("transaction_close");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    /** The value of {@code event_type} on the wire. */
    public String wireName() {
        return wireName;
    }

    public boolean isStep() {
        return this == STEP_OPEN || this == STEP_DONE;
    }

    public static Optional<EventType> fromWire(String value) {
        for (EventType t : values()) {
            if (t.wireName.equals(value)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** The accepted wire names, for error messages and docs. */
    public static String wireNames() {
        StringBuilder sb = new StringBuilder();
        for (EventType t : values()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(t.wireName);
        }
        return sb.toString();
    }
}
