package io.txinsight.job.metrics;

import java.util.function.LongSupplier;
import org.apache.flink.metrics.Counter;

/** A counter whose value is computed: the distribution that registers it owns the counts. */
final class ComputedCounter implements Counter {
    private final LongSupplier value;

    ComputedCounter(LongSupplier value) {
        this.value = value;
    }

    @Override
    public void inc() {
        throw new UnsupportedOperationException("a bucket counter changes only through observe()");
    }

    @Override
    public void inc(long n) {
        inc();
    }

    @Override
    public void dec() {
        inc();
    }

    @Override
    public void dec(long n) {
        inc();
    }

    @Override
    public long getCount() {
        return value.getAsLong();
    }
}
