package io.txinsight.simulator;

import io.txinsight.events.KafkaTxn;
import io.txinsight.events.TxnFate;
import java.util.ArrayDeque;
import java.util.SplittableRandom;

/**
 * Decides which Kafka producer transaction carries each record.
 *
 * <p>Each producer works like a transactional service that commits on a timer: it keeps one Kafka
 * transaction open for {@code kafkaTxnMs} (producers are staggered so their commits do not line
 * up), then ends it and starts the next one with its next record. So a producer never has two
 * transactions open, and a business transaction naturally spans several Kafka transactions.
 *
 * <p>Whether a transaction aborts depends only on (seed, producer, window), not on the order
 * records arrive in. Aborts stay out of the final tail so committed records always follow them.
 *
 * <p>A hang: the producer's first transaction after the planned time stays open for {@code
 * hangMs} (its records are the first window's worth; then the service is stuck and writes
 * nothing), and is aborted at its end. Meanwhile records meant for it go to the next producer,
 * as a load balancer would send work to a healthy instance.
 */
final class ProducerTimeline {

    private final long seed;
    private final int producers;
    private final long window;
    private final long hangMs;
    private final long abortDeadline;
    private final long hangDeadline;
    private final double abortCut;
    private final String[] ids;
    private final long[] phase;
    private final long[] currentWindow;
    private final long[] seq;
    private final KafkaTxn[] current;
    private final boolean[] hanging;
    private final long[] hangWindowEnd;
    private final long[] hangEnd;
    private final ArrayDeque<Long>[] plannedHangs;

    @SuppressWarnings("unchecked")
    ProducerTimeline(SimulationParams p, SplittableRandom rng) {
        this.seed = p.seed();
        this.producers = p.producers();
        this.window = p.kafkaTxnMs();
        this.hangMs = p.hangMs();
        long span = p.spanMs();
        this.abortDeadline = span - p.tailGuardMs();
        this.hangDeadline = span - p.tailGuardMs();
        // Aborts only happen before the deadline; scale the share so it holds over the whole run.
        this.abortCut = abortDeadline > 0 ? Math.min(1.0, p.abortShare() * span / (double) abortDeadline) : 0;
        ids = new String[producers];
        phase = new long[producers];
        currentWindow = new long[producers];
        seq = new long[producers];
        current = new KafkaTxn[producers];
        hanging = new boolean[producers];
        hangWindowEnd = new long[producers];
        hangEnd = new long[producers];
        plannedHangs = new ArrayDeque[producers];
        for (int i = 0; i < producers; i++) {
            ids[i] = producerId(i);
            phase[i] = i * window / producers;
            currentWindow[i] = Long.MIN_VALUE;
            seq[i] = -1;
            plannedHangs[i] = new ArrayDeque<>();
        }
        planHangs(p, rng);
    }

    /** The name of producer {@code index}: p0, p1, … */
    static String producerId(int index) {
        return "p" + index;
    }

    /** Hangs run one after another, spread over the middle of the span, on rotating producers. */
    private void planHangs(SimulationParams p, SplittableRandom rng) {
        int h = p.hangs();
        if (h <= 0) {
            return;
        }
        long lo = p.hangEarliestStartMs();
        long hi = p.hangLatestStartMs();
        for (int i = 0; i < h; i++) {
            long start = h == 1
                    ? lo + (long) ((hi - lo) * (0.25 + 0.5 * rng.nextDouble()))
                    : lo + (hi - lo) * i / (h - 1);
            plannedHangs[(int) ((seed + i) % producers + producers) % producers].addLast(start);
        }
    }

    /** The Kafka transaction for a record published at {@code at}, normally by {@code preferred}. */
    KafkaTxn assign(long at, int preferred) {
        for (int i = 0; i < producers; i++) {
            int q = (preferred + i) % producers;
            if (hanging[q] && at >= hangEnd[q]) {
                hanging[q] = false;
            }
            if (hanging[q] && at >= hangWindowEnd[q]) {
                continue; // blocked by its own open transaction
            }
            return txnFor(q, at);
        }
        throw new IllegalStateException("every producer is hanging at " + at + " ms; hangs must not overlap");
    }

    private KafkaTxn txnFor(int q, long at) {
        long k = Math.floorDiv(at - phase[q], window);
        if (k == currentWindow[q]) {
            return current[q];
        }
        long start = phase[q] + k * window;
        currentWindow[q] = k;
        seq[q]++;
        ArrayDeque<Long> planned = plannedHangs[q];
        if (!planned.isEmpty() && at >= planned.peekFirst()) {
            planned.pollFirst();
            if (start + hangMs <= hangDeadline) {
                hanging[q] = true;
                hangWindowEnd[q] = start + window;
                hangEnd[q] = start + hangMs;
                current[q] = new KafkaTxn(ids[q], seq[q], TxnFate.HANG, start + hangMs);
                return current[q];
            }
        }
        long end = start + window;
        boolean abort = abortCut > 0 && end <= abortDeadline && unit(q, k) < abortCut;
        current[q] = new KafkaTxn(ids[q], seq[q], abort ? TxnFate.ABORT : TxnFate.COMMIT, end);
        return current[q];
    }

    /** A uniform number in [0, 1) from (seed, producer, window): SplitMix64's finaliser. */
    private double unit(int q, long k) {
        long z = seed * 0x9E3779B97F4A7C15L + q * 0xBF58476D1CE4E5B9L + k * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z >>> 11) * 0x1.0p-53;
    }
}
