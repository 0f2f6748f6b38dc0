package io.txinsight.validator;

import io.txinsight.events.Durations;
import java.time.Duration;
import picocli.CommandLine;

/** The validator's picocli converter, in the grammar of every command ({@link Durations}). */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        try {
            return Duration.ofMillis(Durations.toMillis(value));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
