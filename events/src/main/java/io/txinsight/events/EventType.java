package io.txinsight.events;

import java.util.Optional;

/** The four kinds of business event a producer emits for one business transaction. */
public enum EventType implements WireNamed {
    TRANSACTION_OPEN,
    STEP_OPEN,
    STEP_DONE,
    TRANSACTION_CLOSE;

    public boolean isStep() {
        return this == STEP_OPEN || this == STEP_DONE;
    }

    /** The type whose {@code event_type} value is {@code value}, if any. */
    public static Optional<EventType> fromWire(String value) {
        return WireNamed.fromWire(EventType.class, value);
    }

    /** The accepted wire names, for error messages and docs. */
    public static String wireNames() {
        return WireNamed.wireNames(EventType.class);
    }
}
