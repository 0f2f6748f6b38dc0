package io.txinsight.job.tracker.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class PackedAmountTest {

    @Property
    void everyAmountOfAPaymentSystemRoundTripsExactly(
            @ForAll @LongRange(min = -(1L << 56), max = 1L << 56) long unscaled,
            @ForAll @IntRange(min = 0, max = PackedAmount.MAX_SCALE) int scale) {
        BigDecimal amount = BigDecimal.valueOf(unscaled, scale);
        long packed = PackedAmount.pack(amount);
        assertThat(packed).isNotEqualTo(PackedAmount.NONE);
        assertThat(PackedAmount.unpack(packed)).isEqualTo(amount); // scale kept: 125.50 stays 125.50
        assertThat(PackedAmount.toDouble(packed)).isEqualTo(amount.doubleValue());
    }

    @Test
    void theScaleAsSentIsKept() {
        assertThat(PackedAmount.unpack(PackedAmount.pack(new BigDecimal("125.50"))).toPlainString()).isEqualTo("125.50");
        assertThat(PackedAmount.toDouble(PackedAmount.pack(new BigDecimal("0.07")))).isEqualTo(0.07);
    }

    @Test
    void aNegativeScaleOrTrailingZerosBeyondTheLimitArePackedByValue() {
        assertThat(PackedAmount.unpack(PackedAmount.pack(new BigDecimal("1E+3")))).isEqualByComparingTo("1000");
        BigDecimal manyZeros = new BigDecimal("2.5").setScale(40);
        assertThat(PackedAmount.unpack(PackedAmount.pack(manyZeros))).isEqualByComparingTo("2.5");
    }

    @Test
    void whatCannotBePackedIsNoAmount() {
        assertThat(PackedAmount.pack(null)).isEqualTo(PackedAmount.NONE);
        assertThat(PackedAmount.pack(new BigDecimal("1e30").add(BigDecimal.ONE))).isEqualTo(PackedAmount.NONE);
        assertThat(PackedAmount.unpack(PackedAmount.NONE)).isNull();
        assertThat(PackedAmount.toDouble(PackedAmount.NONE)).isNaN();
    }

    @Test
    void moreDecimalsThanTheLimitAreRoundedHalfEven() {
        BigDecimal tiny = new BigDecimal("0." + "0".repeat(30) + "15"); // 32 decimals
        assertThat(PackedAmount.unpack(PackedAmount.pack(tiny))).isEqualByComparingTo("0." + "0".repeat(30) + "2");
    }

    @Test
    void kindsAreSharedPerTypeAndCurrency() {
        NamePool pool = new NamePool(10);
        TxnKind a = pool.kind(new String("payment"), new String("EUR"));
        assertThat(pool.kind(new String("payment"), new String("EUR"))).isSameAs(a);
        assertThat(pool.kind("payment", "USD")).isNotSameAs(a);
        assertThat(pool.kind(null, null)).isNull();
    }
}
