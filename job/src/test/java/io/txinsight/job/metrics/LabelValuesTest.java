package io.txinsight.job.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LabelValuesTest {

    @Test
    void keepsTheFirstValuesUpToTheCapThenReportsOther() {
        LabelValues types = new LabelValues(3);
        assertThat(types.of("payment")).isEqualTo("payment");
        assertThat(types.of("transfer")).isEqualTo("transfer");
        assertThat(types.of("refund")).isEqualTo("refund");
        assertThat(types.of("deposit")).isEqualTo(LabelValues.OTHER);
        assertThat(types.of("payment")).as("a kept value stays itself").isEqualTo("payment");
        assertThat(types.size()).isEqualTo(3);
    }

    @Test
    void missingValuesAreUnknownAndDoNotUseUpTheCap() {
        LabelValues types = new LabelValues(1);
        assertThat(types.of(null)).isEqualTo(LabelValues.UNKNOWN);
        assertThat(types.of("")).isEqualTo(LabelValues.UNKNOWN);
        assertThat(types.of("payment")).isEqualTo("payment");
    }
}
