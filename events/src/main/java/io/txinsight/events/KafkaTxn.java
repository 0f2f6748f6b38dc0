package io.txinsight.events;

import java.util.Objects;

/**
 * The Kafka producer transaction a scenario record was written in.
 *
 * @param producer the id of the transactional producer (one {@code transactional.id} each)
 * @param seq the transaction's sequence number within that producer, from 0, increasing
 * @param fate commit, abort, or hang
 * @param endMs when (ms from scenario start) the transaction was committed or aborted; for a
 *     hanging one, when it is finally aborted
 */
public record KafkaTxn(String producer, long seq, TxnFate fate, long endMs) {
    public KafkaTxn {
        Objects.requireNonNull(producer, "producer");
        Objects.requireNonNull(fate, "fate");
    }
}
