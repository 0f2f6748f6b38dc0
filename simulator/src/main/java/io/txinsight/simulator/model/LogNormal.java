package io.txinsight.simulator.model;

import java.util.random.RandomGenerator;

/**
 * A right-skewed latency distribution, as real service latencies are: most calls near the median,
 * a tail of slower ones, never negative.
 *
 * @param medianMs the median in milliseconds
 * @param sigma the spread of the underlying normal; 0.3 keeps 99.9% of draws under 2.5x the median
 */
public record LogNormal(double medianMs, double sigma) {

    public LogNormal {
        if (medianMs <= 0 || sigma < 0) {
            throw new IllegalArgumentException("median must be positive and sigma not negative");
        }
    }

    /** One draw in whole milliseconds (at least 1), scaled by {@code scale}. */
    public long sample(RandomGenerator rng, double scale) {
        double v = medianMs * scale * Math.exp(sigma * rng.nextGaussian());
        return Math.max(1L, Math.round(v));
    }
}
