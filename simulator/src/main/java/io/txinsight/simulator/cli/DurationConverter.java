package io.txinsight.simulator.cli;

import io.txinsight.events.Durations;
import picocli.CommandLine;

/**
 * The simulator's picocli converter for durations ({@link Durations}: {@code 500ms}, {@code 30s},
 * {@code 1.5s}, {@code 2m}, {@code 1h}, ISO {@code PT30S}); a bare number is milliseconds.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Long> {

    @Override
    public Long convert(String value) {
        try {
            return Durations.toMillis(value, Durations.BareNumber.MILLISECONDS);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
