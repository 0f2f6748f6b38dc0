package io.txinsight.simulator.model;

import io.txinsight.simulator.SimulationParams;
import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * When business transactions open, and for which account.
 *
 * <p>With a count, exactly that many arrivals are spread at random over the span (the sorted
 * order statistics of uniform times, drawn one after the other), so the last one lands near the
 * end of the span and the count is exact. With a duration only, arrivals form a Poisson process
 * at the rate. A concurrency limit holds an arrival back until a transaction in flight ends.
 *
 * <p>A velocity burst hands the account of the arrival that starts it to the next arrivals
 * inside the burst window, as a card being tested or drained would show.
 */
public final class ArrivalProcess {

    /** One arrival. */
    public static final class Arrival {
        public long atMs;
        public int account;
        /** The velocity burst this arrival belongs to (numbered from 0 in order of starting), or -1. */
        public long burst;
    }

    private final SimulationParams params;
    private final SplittableRandom rng;
    private final long spanMs;
    private final boolean counted;
    private long remaining;
    private double t;
    private final PriorityQueue<Long> inFlightEnds = new PriorityQueue<>();
    private final ArrayDeque<long[]> bursts = new ArrayDeque<>(); // {account, remaining, untilMs, number}
    private long burstsStarted;
    private final Arrival current = new Arrival();

    public ArrivalProcess(SimulationParams params, SplittableRandom rng) {
        this.params = params;
        this.rng = rng;
        this.spanMs = params.spanMs();
        this.counted = params.count() > 0;
        this.remaining = counted ? params.count() : Long.MAX_VALUE;
    }

    /** Expected number of arrivals, for progress display. */
    public long expectedCount() {
        return counted ? params.count() : Math.max(1, Math.round(params.rate() * spanMs / 1000.0));
    }

    /** The next arrival (reused object), or null when arrivals are over. */
    public Arrival next() {
        if (remaining <= 0) {
            return null;
        }
        if (counted) {
            // The minimum of the remaining uniform times on (t, span): order statistics in one pass.
            double u = rng.nextDouble();
            t = t + (spanMs - t) * (1 - Math.pow(u, 1.0 / remaining));
        } else {
            t += -Math.log(1 - rng.nextDouble()) * 1000.0 / params.rate();
            if (t > spanMs) {
                remaining = 0;
                return null;
            }
        }
        remaining--;
        long at = (long) t;
        if (params.concurrency() > 0) {
            while (!inFlightEnds.isEmpty() && inFlightEnds.peek() <= at) {
                inFlightEnds.poll();
            }
            if (inFlightEnds.size() >= params.concurrency()) {
                at = Math.max(at, inFlightEnds.poll());
                if (!counted && at > spanMs) {
                    remaining = 0;
                    return null;
                }
            }
        }
        current.atMs = at;
        account(at, current);
        return current;
    }

    /** Tells the concurrency limit when the transaction of the last arrival stops occupying a slot. */
    public void ended(long endMs) {
        if (params.concurrency() > 0) {
            inFlightEnds.add(endMs);
        }
    }

    private void account(long at, Arrival arrival) {
        while (!bursts.isEmpty() && (bursts.peekFirst()[2] < at || bursts.peekFirst()[1] <= 0)) {
            bursts.pollFirst();
        }
        if (!bursts.isEmpty()) {
            long[] b = bursts.peekFirst();
            arrival.account = (int) b[0];
            arrival.burst = b[3];
            b[1]--;
        } else {
            // Uniform over the pool, so the velocity bursts are the only accounts that stand out.
            arrival.account = rng.nextInt(params.accounts());
            arrival.burst = -1;
            if (params.burstShare() > 0 && rng.nextDouble() < params.burstShare()) {
                arrival.burst = burstsStarted++;
                bursts.addLast(new long[] {arrival.account, params.burstSize() - 1, at + params.burstWindowMs(),
                        arrival.burst});
            }
        }
    }
}
