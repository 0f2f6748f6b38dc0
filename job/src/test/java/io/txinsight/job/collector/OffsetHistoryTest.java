package io.txinsight.job.collector;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OffsetHistoryTest {

    @Test
    void aRecordIsAsOldAsTheFirstPollThatSawTheHighWatermarkPassIt() {
        OffsetHistory h = new OffsetHistory();
        h.seen(1_000, 10);
        h.seen(6_000, 10);
        h.seen(11_000, 25);

        assertThat(h.ageOfRecordAt(3, 20_000)).as("written before the first poll: since that poll").isEqualTo(19_000);
        assertThat(h.ageOfRecordAt(10, 20_000)).as("first seen at 11 s").isEqualTo(9_000);
        assertThat(h.ageOfRecordAt(25, 20_000)).as("not written yet").isZero();
    }

    @Test
    void memoryStaysBoundedAndOldLagsKeepTheirOrigin() {
        OffsetHistory h = new OffsetHistory();
        for (int i = 0; i < 10 * OffsetHistory.MAX_SAMPLES; i++) {
            h.seen(i * 1_000L, i + 1);
        }
        long now = 10L * OffsetHistory.MAX_SAMPLES * 1_000;
        assertThat(h.size()).isLessThanOrEqualTo(OffsetHistory.MAX_SAMPLES);
        assertThat(h.ageOfRecordAt(0, now)).as("the first sample is kept").isEqualTo(now);
        long newest = 10L * OffsetHistory.MAX_SAMPLES - 1;
        assertThat(h.ageOfRecordAt(newest, now)).as("the last sample is kept").isEqualTo(1_000);
        // A record in between is never reported older than it is.
        long middle = 5L * OffsetHistory.MAX_SAMPLES;
        assertThat(h.ageOfRecordAt(middle, now)).isBetween(0L, now - middle * 1_000 + 1_000);
    }
}
