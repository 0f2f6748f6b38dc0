package io.txinsight.replayer;

import io.txinsight.events.KafkaTxn;

/**
 * One record as the schedule needs it. The value is ready before the schedule waits for the
 * record's time, so nothing but the hand-over to Kafka happens once it is due.
 *
 * @param atMs when to publish, in scenario milliseconds
 * @param topic the topic as the scenario names it (before routing)
 * @param key the record key, or null
 * @param txn the record's Kafka transaction, or null
 * @param value the value bytes
 */
record ScheduledRecord(long atMs, String topic, String key, KafkaTxn txn, byte[] value) {}
