package io.txinsight.validator;

import io.txinsight.events.Durations;
import java.time.Duration;
import picocli.CommandLine;

/** The validator's picocli converter for durations ({@link Durations}: {@code 90s}, {@code 2m}, {@code PT2M}, …). */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        try {
            return Duration.ofMillis(Durations.toMillis(value, Durations.BareNumber.REJECTED));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
