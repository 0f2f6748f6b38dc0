package io.txinsight.replayer;

import java.util.concurrent.locks.LockSupport;

/**
 * The replayer's sense of time. Scheduling reads only this, so tests drive it with a fake clock
 * and never sleep for real.
 */
public interface ReplayClock {

    /** Monotonic time in nanoseconds; only differences are meaningful. */
    long nanoTime();

    /** Wall-clock time in epoch milliseconds, used to rebase event timestamps. */
    long epochMillis();

    /**
     * Sleeps until {@link #nanoTime()} reaches {@code deadlineNanos}. May return early (for example
     * when the replay is stopped); callers re-check the time and call again.
     */
    void sleepUntil(long deadlineNanos) throws InterruptedException;

    /** The real clocks: {@link System#nanoTime()}, {@link System#currentTimeMillis()}, parking. */
    static ReplayClock system() {
        return SystemClock.INSTANCE;
    }

    final class SystemClock implements ReplayClock {
        static final SystemClock INSTANCE = new SystemClock();

        private SystemClock() {}

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long epochMillis() {
            return System.currentTimeMillis();
        }

        @Override
        public void sleepUntil(long deadlineNanos) throws InterruptedException {
            long left = deadlineNanos - System.nanoTime();
            if (left > 0) {
                // parkNanos, not Thread.sleep: it wakes on unpark, so stop() takes effect at once,
                // and it overshoots by tens of microseconds rather than a millisecond.
                LockSupport.parkNanos(this, left);
            }
            if (Thread.interrupted()) {
                throw new InterruptedException("replay interrupted while waiting for the next record");
            }
        }
    }
}
