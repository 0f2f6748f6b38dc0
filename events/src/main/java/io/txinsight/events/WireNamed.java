package io.txinsight.events;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Optional;

/**
 * An enum of the wire contract. Its constants travel as their names in lower case ({@code
 * TRANSACTION_OPEN} is {@code transaction_open}), in events, scenario files, outcomes and the
 * truth alike, so one rule here replaces a name field, a constructor and a lookup loop in every
 * such enum. Jackson writes the wire name ({@link JsonValue}), as a value and as a map key.
 */
public interface WireNamed {

    /** The constant as it is written on the wire. */
    @JsonValue
    default String wireName() {
        Enum<?> constant = (Enum<?>) this;
        return WireNameTable.of(constant.getDeclaringClass()).name(constant.ordinal());
    }

    /** The constant of {@code type} whose wire name is {@code value} exactly, if there is one. */
    static <E extends Enum<E> & WireNamed> Optional<E> fromWire(Class<E> type, String value) {
        return Optional.ofNullable(WireNameTable.of(type).constant(value)).map(type::cast);
    }

    /**
     * The constant of {@code type} whose wire name is {@code value}.
     *
     * @param what what the value is, for the message ({@code verdict}, {@code status}, …)
     * @throws IllegalArgumentException "unknown {what} '{value}'"
     */
    static <E extends Enum<E> & WireNamed> E parse(Class<E> type, String what, String value) {
        return fromWire(type, value).orElseThrow(() -> new IllegalArgumentException("unknown " + what + " '" + value + "'"));
    }

    /** The wire names of {@code type} in declaration order, comma separated, for messages and docs. */
    static String wireNames(Class<? extends Enum<?>> type) {
        return String.join(", ", WireNameTable.of(type).names());
    }
}
