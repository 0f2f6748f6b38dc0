package io.txinsight.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "500ms   | 500",
        "10s     | 10000",
        "1.5s    | 1500",
        "' 5 M ' | 300000",
        "1h      | 3600000",
        "2d      | 172800000",
        "PT2M30S | 150000",
        "0       | 0"})
    void readsEveryForm(String text, long millis) {
        assertThat(Durations.toMillis(text)).isEqualTo(millis);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "5     | '5' is not a duration (a unit is required: 5s or 5ms?)",
        "250   | '250' is not a duration (a unit is required: 250s or 250ms?)",
        "soon  | 'soon' is not a duration; write a number and a unit: 500ms, 10s, 5m, 1h, 2d",
        "-5s   | never negative",
        "PT-5S | never negative"})
    void explainsWhatIsWrong(String text, String message) {
        assertThatThrownBy(() -> Durations.toMillis(text)).hasMessageContaining(message);
    }

    @Test
    void nothingIsNotADuration() {
        assertThatThrownBy(() -> Durations.toMillis(null)).hasMessageContaining("not a duration");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"90000 | 90s", "120000 | 2m", "1500 | 1500ms", "86400000 | 1d", "0 | 0"})
    void printsTheShortestExactForm(long millis, String text) {
        assertThat(Durations.format(millis)).isEqualTo(text);
    }
}
