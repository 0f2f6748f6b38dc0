package io.txinsight.simulator;

import io.txinsight.events.EventTime;
import java.util.SplittableRandom;

/**
 * Deliberately broken record values, one of each kind a robust consumer must survive: broken
 * JSON, not an object, a missing or wrongly typed {@code txn_id}, an unknown {@code event_type},
 * an unparseable {@code ts}, a step event without its step, an empty value.
 *
 * <p>Their ids ({@code bad-…}) never belong to a real business transaction, so a consumer that
 * dead-letters them correctly sees no effect on any tracked transaction.
 */
final class MalformedRecords {

    /** A malformed record value and the key it is sent with (null: no key). */
    record Malformed(String key, String value) {}

    static final int KINDS = 9;

    private final SplittableRandom rng;
    private final long start;
    private long next;

    MalformedRecords(SplittableRandom rng, long startEpochMs) {
        this.rng = rng;
        this.start = startEpochMs;
    }

    Malformed next(long atMs) {
        String id = "bad-" + (next++);
        String ts = EventTime.format(start + atMs);
        switch (rng.nextInt(KINDS)) {
            case 0:
                return new Malformed(id, "{\"event_type\":\"transaction_open\",\"txn_id\":\"" + id + "\",\"ts\":\"" + ts);
            case 1:
                return new Malformed(null, "{\"event_type\":\"step_open\",\"ts\":\"" + ts + "\",\"step\":\"validate\"}");
            case 2:
                return new Malformed(id, "{\"event_type\":\"transaction_reopen\",\"txn_id\":\"" + id + "\",\"ts\":\"" + ts + "\"}");
            case 3:
                return new Malformed(id, "{\"event_type\":\"transaction_open\",\"txn_id\":\"" + id + "\",\"ts\":\"yesterday\"}");
            case 4:
                return new Malformed(id, "[\"transaction_open\",\"" + id + "\",\"" + ts + "\"]");
            case 5:
                return new Malformed(id, "txn " + id + " opened at " + ts);
            case 6:
                return new Malformed(id, "{\"event_type\":\"step_done\",\"txn_id\":\"" + id + "\",\"ts\":\"" + ts + "\"}");
            case 7:
                return new Malformed(null, "{\"event_type\":\"transaction_close\",\"txn_id\":" + (1000 + next) + ",\"ts\":\"" + ts + "\",\"status\":\"success\"}");
            default:
                return new Malformed(null, "");
        }
    }
}
