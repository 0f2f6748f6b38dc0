package io.txinsight.job.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.metrics.Counter;
import org.junit.jupiter.api.Test;

class LatencyBucketsTest {

    private final CapturingMetricGroup group = new CapturingMetricGroup();
    private final LatencyBuckets buckets = new LatencyBuckets(group.addGroup("txn_type", "payment"), "duration_ms");

    private long bucket(String le) {
        return group.count("txn_type_le_duration_ms_bucket{le=" + le + ",txn_type=payment}");
    }

    @Test
    void bucketsAreCumulativeWithPrometheusLeValues() {
        for (long v : new long[] {3, 5, 7, 7, 400, 1_000, 299_999, 1_000_000}) {
            buckets.observe(v);
        }
        assertThat(bucket("5")).isEqualTo(2); // 3 and 5: le is inclusive
        assertThat(bucket("10")).isEqualTo(4);
        assertThat(bucket("250")).isEqualTo(4);
        assertThat(bucket("500")).isEqualTo(5);
        assertThat(bucket("1000")).isEqualTo(6);
        assertThat(bucket("300000")).isEqualTo(7);
        assertThat(bucket("+Inf")).isEqualTo(8);
        assertThat(group.count("txn_type_duration_ms_count{txn_type=payment}")).isEqualTo(8);
        assertThat(group.count("txn_type_duration_ms_sum{txn_type=payment}"))
                .isEqualTo(3 + 5 + 7 + 7 + 400 + 1_000 + 299_999 + 1_000_000);

        long previous = 0;
        for (String le : LatencyBuckets.LE) {
            long c = bucket(le);
            assertThat(c).as("le=%s never below the bucket before it", le).isGreaterThanOrEqualTo(previous);
            previous = c;
        }
    }

    @Test
    void leLabelsAreThoseOfPrometheusClientLibraries() {
        assertThat(LatencyBuckets.LE).containsExactly(
                "5", "10", "25", "50", "100", "250", "500", "1000", "2500", "5000", "10000", "30000", "60000",
                "120000", "300000", "+Inf");
        assertThat(group.metrics().keySet().stream().filter(k -> k.contains("_bucket"))).hasSize(16);
    }

    @Test
    void negativeObservationsCountAsZeroSoTheSumNeverGoesDown() {
        buckets.observe(-50);
        assertThat(bucket("5")).isEqualTo(1);
        assertThat(group.count("txn_type_duration_ms_sum{txn_type=payment}")).isZero();
    }

    @Test
    void bucketCountersCannotBeBumpedFromOutside() {
        Counter c = (Counter) group.metrics().get("txn_type_le_duration_ms_bucket{le=5,txn_type=payment}");
        assertThatThrownBy(c::inc).isInstanceOf(UnsupportedOperationException.class);
    }
}
