package io.txinsight.job.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OutlierDetectorTest {

    @Test
    void streamingMedianConvergesOnASeededLognormal() {
        Random random = new Random(42);
        double mu = Math.log(800); // median of the lognormal: 800 ms
        double sigma = 0.6;
        StreamingMedian median = new StreamingMedian();
        double[] all = new double[20_000];
        for (int i = 0; i < all.length; i++) {
            all[i] = Math.exp(mu + sigma * random.nextGaussian());
            median.add(all[i]);
        }
        Arrays.sort(all);
        double exact = all[all.length / 2];
        assertThat(median.median()).isCloseTo(exact, within(exact * 0.03));
        assertThat(median.median()).isCloseTo(800.0, within(800.0 * 0.05));
        assertThat(median.count()).isEqualTo(20_000);
    }

    @Test
    void streamingMedianIsExactForTheFirstFewValues() {
        StreamingMedian median = new StreamingMedian();
        assertThat(median.median()).isNaN();
        median.add(30);
        median.add(10);
        assertThat(median.median()).isEqualTo(20.0);
        median.add(20);
        assertThat(median.median()).isEqualTo(20.0);
    }

    @Test
    void flagsTenTimesTheMedianOnceWarm() {
        Random random = new Random(7);
        OutlierDetector detector = new OutlierDetector(4.0, 20, Map.of(), 10);
        int flaggedNormal = 0;
        for (int i = 0; i < 2_000; i++) {
            long d = Math.round(Math.exp(Math.log(1_000) + 0.3 * random.nextGaussian()));
            if (detector.judge("payment", d)) {
                flaggedNormal++;
            }
        }
        assertThat(flaggedNormal).as("normal durations flagged").isLessThanOrEqualTo(2);
        int flaggedSlow = 0;
        for (int i = 0; i < 50; i++) {
            if (detector.judge("payment", 10_000 + i)) {
                flaggedSlow++;
            }
            for (int j = 0; j < 40; j++) {
                detector.judge("payment", Math.round(Math.exp(Math.log(1_000) + 0.3 * random.nextGaussian())));
            }
        }
        assertThat(flaggedSlow).isEqualTo(50);
        assertThat(detector.medianOf("payment")).isCloseTo(1_000.0, within(60.0));
    }

    @Test
    void noMedianVerdictBeforeThreeSamples() {
        OutlierDetector detector = new OutlierDetector(4.0, 20, Map.of(), 10);
        detector.judge("payment", 100);
        assertThat(detector.judge("payment", 100_000)).as("second sample: one seen before").isFalse();
        assertThat(detector.judge("payment", 100_000)).as("third sample: two seen before").isFalse();
    }

    @Test
    void aSlowStepDuringWarmUpIsFlaggedAgainstTheWiderBar() {
        OutlierDetector detector = new OutlierDetector(4.0, 20, Map.of(), 10);
        for (int i = 0; i < 3; i++) {
            detector.judge("payment", 100);
        }
        // 4 <= ratio <= 6: above the warm factor, but within the warm-up margin.
        assertThat(detector.judge("payment", 550)).as("5.5x the median of three, warming up").isFalse();
        // A slow step as the simulator injects it: 8x the median or more on top of the rest.
        assertThat(detector.judge("payment", 900)).as("9x the median, warming up").isTrue();
    }

    @Test
    void theWarmFactorAppliesOnceWarm() {
        OutlierDetector detector = new OutlierDetector(4.0, 5, Map.of(), 10);
        for (int i = 0; i < 5; i++) {
            detector.judge("payment", 100);
        }
        assertThat(detector.judge("payment", 550)).as("5.5x the median, warm").isTrue();
    }

    @Test
    void aFailedShortFirstCloseDoesNotMakeFullOnesLookSlow() {
        // One failed transaction that ran only its first step, then ordinary ones: the median of
        // three is an ordinary duration, not the short one.
        OutlierDetector detector = new OutlierDetector(4.0, 20, Map.of(), 10);
        detector.judge("payment", 30);
        detector.judge("payment", 200);
        detector.judge("payment", 180);
        for (int i = 0; i < 17; i++) {
            assertThat(detector.judge("payment", 150 + 10 * i)).as("ordinary close %s", i).isFalse();
        }
    }

    @Test
    void typesHaveTheirOwnMedian() {
        OutlierDetector detector = new OutlierDetector(4.0, 3, Map.of(), 10);
        for (int i = 0; i < 10; i++) {
            detector.judge("card", 100);
            detector.judge("wire", 10_000);
        }
        assertThat(detector.judge("wire", 12_000)).isFalse();
        assertThat(detector.judge("card", 1_000)).isTrue();
    }

    @Test
    void sloFlagsWhateverTheMedianSays() {
        OutlierDetector detector = new OutlierDetector(4.0, 1_000, Map.of("payment", 500L), 10);
        assertThat(detector.judge("payment", 501)).isTrue();
        assertThat(detector.judge("payment", 500)).isFalse();
        assertThat(detector.judge(null, 1_000_000)).isFalse();
    }

    @Test
    void typesBeyondTheCapAreJudgedBySloOnly() {
        OutlierDetector detector = new OutlierDetector(4.0, 1, Map.of("t3", 10L), 2);
        for (int i = 0; i < 5; i++) {
            detector.judge("t1", 100);
            detector.judge("t2", 100);
            detector.judge("t3", 5);
        }
        assertThat(detector.medianOf("t3")).isNaN();
        assertThat(detector.judge("t3", 11)).isTrue();
        assertThat(detector.judge("t1", 1_000)).isTrue();
    }
}
