package io.txinsight.events;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One business event, the value of one Kafka record (its key is {@link #txnId()}).
 *
 * @param eventType what happened
 * @param txnId the business transaction this event belongs to; 1 to {@value #MAX_TXN_ID_LENGTH}
 *     characters
 * @param ts event time in epoch milliseconds (UTC)
 * @param step the step name; required on step events, optional on the others
 * @param txnType the transaction type (payment, transfer, …); optional, usually on the open
 * @param status the business result; only meaningful on {@code transaction_close}
 * @param attributes free-form business payload (account, amount, currency, …); never null
 */
public record BusinessEvent(
        EventType eventType,
        String txnId,
        long ts,
        String step,
        String txnType,
        CloseStatus status,
        Map<String, Object> attributes) {

    public static final int MAX_TXN_ID_LENGTH = 256;

    public BusinessEvent {
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(txnId, "txnId");
        attributes =
                attributes == null || attributes.isEmpty()
                        ? Map.of()
                        : Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    public static BusinessEvent open(String txnId, long ts, String txnType, Map<String, Object> attributes) {
        return new BusinessEvent(EventType.TRANSACTION_OPEN, txnId, ts, null, txnType, null, attributes);
    }

    public static BusinessEvent stepOpen(String txnId, long ts, String step) {
        return new BusinessEvent(EventType.STEP_OPEN, txnId, ts, step, null, null, null);
    }

    public static BusinessEvent stepDone(String txnId, long ts, String step) {
        return new BusinessEvent(EventType.STEP_DONE, txnId, ts, step, null, null, null);
    }

    public static BusinessEvent close(String txnId, long ts, CloseStatus status) {
        return new BusinessEvent(EventType.TRANSACTION_CLOSE, txnId, ts, null, null, status, null);
    }
}
