package io.txinsight.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.List;

/**
 * Raised once per velocity burst: an account that opened more transactions, or moved more money,
 * than its velocity rule allows within the rule's sliding window. Written to the alerts topic
 * beside the stuck {@link Alert}s (key = the account), told apart by {@code alert}: a record of its
 * own rather than an {@code Alert} with a kind, because it is about an account and many
 * transactions, not one transaction, and a reader of stuck alerts keyed by {@code txn_id} (the
 * validator's verdicts, the ledger's alerts table) must never mistake it for one. Times are epoch
 * milliseconds of event time.
 *
 * @param alert the alert kind; {@code velocity}
 * @param account the account
 * @param txnType the transaction type whose own rule fired, or null for the rule over all other types
 * @param count how many transactions the burst holds
 * @param amount the sum of their amounts (as written, whatever their currency; null when none carried one)
 * @param windowMs the rule's sliding window
 * @param maxCount the rule's limit: more than this many transactions within the window is a burst
 * @param maxAmount the rule's limit on the sum of amounts within the window
 * @param firstAtMs event time of the burst's first transaction_open
 * @param lastAtMs event time of its last transaction_open
 * @param txnIds the burst's transactions in event-time order, at most {@link #MAX_TXN_IDS}
 * @param raisedAtMs the detector's event-time clock when it raised the alert (the burst was over)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VelocityAlert(
        @JsonProperty("alert") String alert,
        @JsonProperty("account") String account,
        @JsonProperty("txn_type") String txnType,
        @JsonProperty("count") int count,
        @JsonProperty("amount") BigDecimal amount,
        @JsonProperty("window_ms") long windowMs,
        @JsonProperty("max_count") int maxCount,
        @JsonProperty("max_amount") BigDecimal maxAmount,
        @JsonProperty("first_at_ms") long firstAtMs,
        @JsonProperty("last_at_ms") long lastAtMs,
        @JsonProperty("txn_ids") List<String> txnIds,
        @JsonProperty("raised_at_ms") long raisedAtMs) {

    public static final String VELOCITY = "velocity";

    /** The most txn_ids one alert lists; {@code count} still says how many the burst held. */
    public static final int MAX_TXN_IDS = 50;

    @JsonCreator
    public VelocityAlert {
        txnIds = txnIds == null ? List.of() : List.copyOf(txnIds);
    }

    /**
     * Reads one record of the alerts topic, which carries three kinds, told apart by its {@code
     * alert} field: a {@code VelocityAlert}, a {@link KafkaTransactionHanging} or a stuck {@link Alert}.
     */
    public static Object readAlertsTopicRecord(byte[] json) {
        try {
            JsonNode node = RecordJson.mapper().readTree(json);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("not a JSON object");
            }
            String alert = node.path("alert").asText();
            Class<?> kind = VELOCITY.equals(alert) ? VelocityAlert.class
                    : KafkaTransactionHanging.isKind(alert) ? KafkaTransactionHanging.class
                    : Alert.class;
            return RecordJson.mapper().treeToValue(node, kind);
        } catch (IOException e) {
            throw new UncheckedIOException("not an alert record: " + e.getMessage(), e);
        }
    }
}
