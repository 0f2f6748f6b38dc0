package io.txinsight.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void readsEveryForm() {
        assertThat(Durations.toMillis("500ms")).isEqualTo(500);
        assertThat(Durations.toMillis("10s")).isEqualTo(10_000);
        assertThat(Durations.toMillis("1.5s")).isEqualTo(1_500);
        assertThat(Durations.toMillis(" 5 M ")).isEqualTo(300_000);
        assertThat(Durations.toMillis("1h")).isEqualTo(3_600_000);
        assertThat(Durations.toMillis("2d")).isEqualTo(172_800_000);
        assertThat(Durations.toMillis("PT2M30S")).isEqualTo(150_000);
        assertThat(Durations.toMillis("0")).isZero();
    }

    @Test
    void explainsWhatIsWrong() {
        assertThatThrownBy(() -> Durations.toMillis("5"))
                .hasMessageContaining("'5' is not a duration (a unit is required: 5s or 5ms?)");
        assertThatThrownBy(() -> Durations.toMillis("250"))
                .hasMessageContaining("'250' is not a duration (a unit is required: 250s or 250ms?)");
        assertThatThrownBy(() -> Durations.toMillis("soon"))
                .hasMessageContaining("'soon' is not a duration; write a number and a unit: 500ms, 10s, 5m, 1h, 2d");
        assertThatThrownBy(() -> Durations.toMillis("-5s")).hasMessageContaining("never negative");
        assertThatThrownBy(() -> Durations.toMillis("PT-5S")).hasMessageContaining("never negative");
        assertThatThrownBy(() -> Durations.toMillis(null)).hasMessageContaining("not a duration");
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
