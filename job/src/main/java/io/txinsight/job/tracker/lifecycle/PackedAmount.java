package io.txinsight.job.tracker.lifecycle;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * An exact decimal amount in one {@code long}: the unscaled value in the high 59 bits, the scale
 * (0 to {@value #MAX_SCALE}) in the low 5. {@code 125.50} is {@code 12550 << 5 | 2}.
 *
 * <p>Why not a {@link BigDecimal} in the state: it costs about 40 bytes per transaction (plus its
 * BigInteger beyond 2^63), against the 8 of a long, with a million transactions in flight. Why not
 * a double: it would round the amount a producer sent before anything downstream could use it;
 * packed, it stays exact and converts to a double only where a metric needs one.
 *
 * <p>Every amount a payment system sends fits: |unscaled| below 2^57 is 1.4 * 10^15 at cents. One
 * that does not (absurdly large, or more than {@value #MAX_SCALE} decimals that are not trailing
 * zeros, which are rounded half-even) packs as {@link #NONE}: no amount, as if it was missing.
 */
public final class PackedAmount {
    private PackedAmount() {}

    /** No amount: missing, mistyped, or out of range. */
    public static final long NONE = Long.MIN_VALUE;

    static final int SCALE_BITS = 5;
    public static final int MAX_SCALE = (1 << SCALE_BITS) - 1;
    /** The unscaled value's magnitude stays below 2^57, so no packed value is {@link #NONE}. */
    private static final int MAX_UNSCALED_BITS = 57;
    private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

    /** {@code amount} packed, or {@link #NONE} for null or out of range. */
    public static long pack(BigDecimal amount) {
        if (amount == null) {
            return NONE;
        }
        BigDecimal d = amount;
        if (d.scale() < 0 || d.scale() > MAX_SCALE || d.unscaledValue().bitLength() > MAX_UNSCALED_BITS) {
            d = d.stripTrailingZeros();
            if (d.scale() < 0) {
                d = d.setScale(0);
            } else if (d.scale() > MAX_SCALE) {
                d = d.setScale(MAX_SCALE, RoundingMode.HALF_EVEN);
            }
        }
        BigInteger unscaled = d.unscaledValue();
        if (unscaled.bitLength() > MAX_UNSCALED_BITS) {
            return NONE;
        }
        return (unscaled.longValue() << SCALE_BITS) | d.scale();
    }

    /** The exact amount; null for {@link #NONE}. */
    public static BigDecimal unpack(long packed) {
        return packed == NONE ? null : BigDecimal.valueOf(packed >> SCALE_BITS, scale(packed));
    }

    /**
     * The amount as the double nearest to it (one division of two exactly represented numbers,
     * correctly rounded by IEEE 754, below 2^53 unscaled); NaN for {@link #NONE}.
     */
    public static double toDouble(long packed) {
        if (packed == NONE) {
            return Double.NaN;
        }
        long unscaled = packed >> SCALE_BITS;
        int scale = scale(packed);
        if (scale < POW10.length && Math.abs(unscaled) < (1L << 53)) {
            return unscaled / POW10[scale];
        }
        return unpack(packed).doubleValue();
    }

    private static int scale(long packed) {
        return (int) (packed & MAX_SCALE);
    }
}
