package io.txinsight.replayer;

/** A clock that only moves when the replay sleeps or a test advances it; nothing really waits. */
final class FakeClock implements ReplayClock {

    private final long epochAtZeroMs;
    private long nanos;
    int sleeps;

    FakeClock(long epochAtZeroMs) {
        this.epochAtZeroMs = epochAtZeroMs;
    }

    @Override
    public long nanoTime() {
        return nanos;
    }

    @Override
    public long epochMillis() {
        return epochAtZeroMs + nanos / 1_000_000;
    }

    @Override
    public void sleepUntil(long deadlineNanos) {
        sleeps++;
        nanos = Math.max(nanos, deadlineNanos);
    }

    void advanceNanos(long n) {
        nanos += n;
    }

    double millis() {
        return nanos / 1e6;
    }
}
