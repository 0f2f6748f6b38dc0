package io.txinsight.events;

import static io.txinsight.events.Durations.BareNumber.MILLISECONDS;
import static io.txinsight.events.Durations.BareNumber.REJECTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void readsEveryForm() {
        assertThat(Durations.toMillis("500ms", REJECTED)).isEqualTo(500);
        assertThat(Durations.toMillis("10s", REJECTED)).isEqualTo(10_000);
        assertThat(Durations.toMillis("1.5s", REJECTED)).isEqualTo(1_500);
        assertThat(Durations.toMillis(" 5 M ", REJECTED)).isEqualTo(300_000);
        assertThat(Durations.toMillis("1h", REJECTED)).isEqualTo(3_600_000);
        assertThat(Durations.toMillis("2d", REJECTED)).isEqualTo(172_800_000);
        assertThat(Durations.toMillis("PT2M30S", REJECTED)).isEqualTo(150_000);
        assertThat(Durations.toMillis("0", REJECTED)).isZero();
        assertThat(Durations.toMillis("250", MILLISECONDS)).isEqualTo(250);
    }

    @Test
    void explainsWhatIsWrong() {
        assertThatThrownBy(() -> Durations.toMillis("5", REJECTED))
                .hasMessageContaining("'5' is not a duration (a unit is required: 5s or 5ms?)");
        assertThatThrownBy(() -> Durations.toMillis("soon", REJECTED))
                .hasMessageContaining("'soon' is not a duration; write a number and a unit: 500ms, 10s, 5m, 1h, 2d");
        assertThatThrownBy(() -> Durations.toMillis("-5s", MILLISECONDS)).hasMessageContaining("never negative");
        assertThatThrownBy(() -> Durations.toMillis("PT-5S", REJECTED)).hasMessageContaining("never negative");
        assertThatThrownBy(() -> Durations.toMillis(null, REJECTED)).hasMessageContaining("not a duration");
    }

    @Test
    void printsTheShortestExactForm() {
        assertThat(Durations.format(90_000)).isEqualTo("90s");
        assertThat(Durations.format(120_000)).isEqualTo("2m");
        assertThat(Durations.format(1_500)).isEqualTo("1500ms");
        assertThat(Durations.format(86_400_000)).isEqualTo("1d");
        assertThat(Durations.format(0)).isEqualTo("0");
    }
}
