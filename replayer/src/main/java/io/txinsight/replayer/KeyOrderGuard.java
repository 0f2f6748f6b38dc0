package io.txinsight.replayer;

/**
 * Keeps each key's records in scenario order when consecutive records of the key come from
 * different producers. Kafka orders records per producer only: producer B's record could otherwise
 * overtake producer A's earlier one still lingering in A's buffer.
 *
 * <p>A fixed table of slots (hash of topic and key) remembers the last lane and record per key.
 * When a key changes lanes and the earlier record may not be written yet, the new record waits for
 * it. Two keys sharing a slot only cost an unneeded wait, never a wrong order, and the table never
 * grows. Used from the scheduler thread only.
 */
final class KeyOrderGuard {

    private static final int SLOTS = 1 << 16;

    record Barrier(ProducerLane lane, long seq) {}

    private final ProducerLane[] lastLane = new ProducerLane[SLOTS];
    private final long[] lastSeq = new long[SLOTS];

    /** Records that {@code lane} now owns the key; returns what its record must wait for, or null. */
    Barrier claim(String topic, String key, ProducerLane lane, long seq) {
        if (key == null) {
            return null; // no key, no per-key order to keep
        }
        int h = topic.hashCode() * 31 + key.hashCode();
        int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
        ProducerLane previous = lastLane[slot];
        long previousSeq = lastSeq[slot];
        lastLane[slot] = lane;
        lastSeq[slot] = seq;
        if (previous == null || previous == lane || previous.ackedThrough() >= previousSeq) {
            return null;
        }
        return new Barrier(previous, previousSeq);
    }
}
