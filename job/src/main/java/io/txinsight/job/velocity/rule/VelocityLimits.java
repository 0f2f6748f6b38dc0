package io.txinsight.job.velocity.rule;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * One velocity rule's limits: an account that opens more than {@code maxCount} transactions, or
 * more than {@code maxAmount} in total, within any {@code windowMs} of event time is in a burst.
 * "Within" includes both ends: opens at t and t + window are in one window.
 *
 * @param maxCount more opens than this within the window is a burst (at least 1)
 * @param maxAmount a sum of amounts above this within the window is a burst (positive)
 * @param windowMs the sliding window, in milliseconds of event time (positive)
 */
public record VelocityLimits(int maxCount, BigDecimal maxAmount, long windowMs) implements Serializable {

    public VelocityLimits {
        Objects.requireNonNull(maxAmount, "maxAmount");
        if (maxCount < 1 || maxAmount.signum() <= 0 || windowMs <= 0) {
            throw new IllegalArgumentException("velocity limits must be positive: count " + maxCount
                    + ", amount " + maxAmount + ", window " + windowMs + " ms");
        }
    }

    /** Whether {@code count} opens with these amounts, within one window, break the rule. */
    boolean brokenBy(int count, BigDecimal amount) {
        return count > maxCount || amount.compareTo(maxAmount) > 0;
    }

    public VelocityLimits withMaxCount(int n) {
        return new VelocityLimits(n, maxAmount, windowMs);
    }

    public VelocityLimits withMaxAmount(BigDecimal a) {
        return new VelocityLimits(maxCount, a, windowMs);
    }

    public VelocityLimits withWindowMs(long ms) {
        return new VelocityLimits(maxCount, maxAmount, ms);
    }
}
