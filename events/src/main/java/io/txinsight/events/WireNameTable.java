package io.txinsight.events;

import java.util.List;
import java.util.Locale;

/**
 * The wire names of one {@link WireNamed} enum, worked out once per enum: encoding asks for a
 * name on every event, and a lower-casing per call would allocate each time. Lookup compares
 * against a handful of names in order, as cheap as the loops it replaced.
 */
final class WireNameTable {

    private static final ClassValue<WireNameTable> TABLES = new ClassValue<>() {
        @Override
        protected WireNameTable computeValue(Class<?> type) {
            return new WireNameTable(type.getEnumConstants());
        }
    };

    private final Object[] constants;
    private final String[] names;

    private WireNameTable(Object[] constants) {
        this.constants = constants;
        this.names = new String[constants.length];
        for (int i = 0; i < constants.length; i++) {
            names[i] = ((Enum<?>) constants[i]).name().toLowerCase(Locale.ROOT);
        }
    }

    static WireNameTable of(Class<?> enumType) {
        return TABLES.get(enumType);
    }

    String name(int ordinal) {
        return names[ordinal];
    }

    /** The constant named {@code value} on the wire, or null. */
    Object constant(String value) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(value)) {
                return constants[i];
            }
        }
        return null;
    }

    List<String> names() {
        return List.of(names);
    }
}
