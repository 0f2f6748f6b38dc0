package io.txinsight.events;

/**
 * What a business event's Kafka record is keyed by (docs/events.md §1). Kafka keeps the records of
 * one key on one partition, in order; both choices keep every event of one business transaction
 * under one key, which is all the job relies on.
 */
public enum RecordKey implements WireNamed {
    /** The transaction's {@code txn_id}: the default. */
    TXN_ID,
    /** The transaction's account (from its open's attributes), as producers that partition by customer do. */
    ACCOUNT;

    /** The key of an event of a transaction whose open names {@code account} (null if none: then the txn_id). */
    public String of(BusinessEvent event, String account) {
        return this == ACCOUNT && account != null ? account : event.txnId();
    }

    /** The constant for {@code txn_id} or {@code account}; the message names both. */
    public static RecordKey parse(String value) {
        return WireNamed.fromWire(RecordKey.class, value).orElseThrow(() -> new IllegalArgumentException(
                "'" + value + "' is not a record key; expected " + WireNamed.wireNames(RecordKey.class)));
    }
}
