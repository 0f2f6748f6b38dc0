package io.txinsight.simulator.cli;

import io.txinsight.events.Durations;
import picocli.CommandLine;

/** The simulator's picocli converter to milliseconds, in the grammar of every command ({@link Durations}). */
public final class DurationConverter implements CommandLine.ITypeConverter<Long> {

    @Override
    public Long convert(String value) {
        try {
            return Durations.toMillis(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
