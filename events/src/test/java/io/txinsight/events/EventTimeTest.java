package io.txinsight.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventTimeTest {

    @Test
    void theFastPathAgreesWithInstantParseForEveryFractionLength() {
        SplittableRandom random = new SplittableRandom(7);
        long from = Instant.parse("1900-01-01T00:00:00Z").getEpochSecond();
        long to = Instant.parse("2200-12-31T23:59:59Z").getEpochSecond();
        for (int i = 0; i < 20_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(from, to), random.nextInt(1_000_000_000));
            String full = instant.toString(); // ISO with 0, 3, 6 or 9 fraction digits
            String seconds = full.substring(0, 19);
            String nanos = String.format("%09d", instant.getNano());
            for (int digits = 0; digits <= 9; digits++) {
                String text = seconds + (digits == 0 ? "" : "." + nanos.substring(0, digits)) + "Z";
                assertThat(EventTime.parse(text)).as(text).isEqualTo(Instant.parse(text).toEpochMilli());
            }
        }
    }

    @Test
    void roundTripsItsOwnFormat() {
        long t = 1_795_284_554_123L;
        assertThat(EventTime.format(t)).isEqualTo("2026-11-21T18:09:14.123Z");
        assertThat(EventTime.parse(EventTime.format(t))).isEqualTo(t);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-02-29T12:00:00Z", "2026-11-21T19:09:14.123+01:00", "2026-12-31T23:59:60Z",
        "2026-11-21T24:00:00Z", "2026-11-21T18:09:14.Z"})
    void otherValidFormsGoTheGeneralWay(String text) {
        assertThat(EventTime.parse(text)).isEqualTo(Instant.parse(text).toEpochMilli());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "2026-11-21T18:09:14", "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-21T25:00:00Z",
        "2026-11-21T18:60:00Z", "2026-11-21T18:09:14.1234567890Z", "2026-11-21 18:09:14Z",
        "yesterday", "2026-11-21T18:09:1xZ"})
    void invalidTextsAreRejectedWithTheGeneralParsersMessage(String text) {
        assertThatThrownBy(() -> EventTime.parse(text)).isInstanceOf(DateTimeParseException.class);
    }
}
