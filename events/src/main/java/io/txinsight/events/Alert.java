package io.txinsight.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Raised once when a business transaction goes stuck: no event for longer than the stuck timeout
 * of its type. Written to the alerts topic (key = {@code txn_id}). Times are epoch milliseconds
 * of event time.
 *
 * @param alert the alert kind; {@code stuck}
 * @param txnId the business transaction
 * @param txnType its type, or null if the open was never seen
 * @param openedAtMs event time of the open, or null if never seen
 * @param lastEventAtMs event time of the latest event seen
 * @param ageMs how long it has been open when the alert is raised (from the open, or from the
 *     first event seen)
 * @param silentMs how long since its latest event
 * @param lastStep the last step seen, or null
 * @param stuckTimeoutMs the timeout that applied
 * @param raisedAtMs the tracker's event-time clock when it raised the alert
 * @param blockedBy the Kafka transaction that holds the business transaction's latest events back
 *     from read_committed readers when the alert is raised (its producer's own transaction still
 *     open, or another producer's pinning the partition's last stable offset), or null when none is
 *     known: the silence may then be the producer's, not Kafka's
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Alert(
        @JsonProperty("alert") String alert,
        @JsonProperty("txn_id") String txnId,
        @JsonProperty("txn_type") String txnType,
        @JsonProperty("opened_at_ms") Long openedAtMs,
        @JsonProperty("last_event_at_ms") long lastEventAtMs,
        @JsonProperty("age_ms") long ageMs,
        @JsonProperty("silent_ms") long silentMs,
        @JsonProperty("last_step") String lastStep,
        @JsonProperty("stuck_timeout_ms") long stuckTimeoutMs,
        @JsonProperty("raised_at_ms") long raisedAtMs,
        @JsonProperty("blocked_by") BlockingKafkaTransaction blockedBy) {

    public static final String STUCK = "stuck";

    @JsonCreator
    public Alert {}

    /** A stuck alert with no Kafka transaction known to hold the business transaction back. */
    public Alert(String alert, String txnId, String txnType, Long openedAtMs, long lastEventAtMs, long ageMs,
            long silentMs, String lastStep, long stuckTimeoutMs, long raisedAtMs) {
        this(alert, txnId, txnType, openedAtMs, lastEventAtMs, ageMs, silentMs, lastStep, stuckTimeoutMs,
                raisedAtMs, null);
    }
}
