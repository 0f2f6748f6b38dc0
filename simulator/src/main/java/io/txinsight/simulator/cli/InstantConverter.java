package io.txinsight.simulator.cli;

import io.txinsight.events.EventTime;
import picocli.CommandLine;

/** Reads an ISO-8601 instant such as {@code 2026-01-01T00:00:00Z}, as epoch milliseconds. */
public final class InstantConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        try {
            return EventTime.parse(value.trim());
        } catch (RuntimeException e) {
            throw new CommandLine.TypeConversionException(
                    "'" + value + "' is not an ISO-8601 time with a zone; use e.g. 2026-01-01T00:00:00Z");
        }
    }
}
