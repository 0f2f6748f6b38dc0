package io.txinsight.events;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One line of a scenario's {@code events.jsonl}: one Kafka record to publish, when, where, and in
 * which Kafka transaction.
 *
 * <p>Exactly one of {@code event} and {@code raw} is set: {@code raw} carries a record value
 * verbatim (used for malformed records in robustness scenarios).
 *
 * @param atMs when to publish, in milliseconds from the scenario start
 * @param topic the Kafka topic
 * @param key the record key (the {@code txn_id} for business events); may be null
 * @param event the business event, or null when {@code raw} is set
 * @param raw the literal record value, or null when {@code event} is set
 * @param txn the Kafka transaction, or null for a record written without a transaction
 */
public record ScenarioRecord(long atMs, String topic, String key, BusinessEvent event, String raw, KafkaTxn txn) {

    public ScenarioRecord {
        Objects.requireNonNull(topic, "topic");
        if ((event == null) == (raw == null)) {
            throw new IllegalArgumentException("exactly one of event and raw must be set");
        }
    }

    /** The record value as it goes on the wire. */
    public byte[] value(EventCodec codec) {
        return event != null ? codec.encode(event) : raw.getBytes(StandardCharsets.UTF_8);
    }

    public boolean isTransactional() {
        return txn != null;
    }
}
