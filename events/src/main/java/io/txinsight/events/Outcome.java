package io.txinsight.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What the job concludes about one business transaction, written once, when it reaches a final
 * state, to the outcomes topic (key = {@code txn_id}). Times are epoch milliseconds of event time.
 *
 * @param txnId the business transaction
 * @param txnType its type, or null if the open was never seen
 * @param state closed, aborted or expired
 * @param result success or failed for a closed transaction; null otherwise
 * @param openedAtMs event time of {@code transaction_open}, or null if never seen
 * @param closedAtMs event time of {@code transaction_close}, or null if never seen
 * @param durationMs close minus open, or null if either is missing
 * @param commitLatencyMs wall-clock time from the tracker seeing the close uncommitted to seeing it
 *     committed; null unless closed
 * @param outlier whether the duration is past the type's outlier threshold
 * @param lastStep the last step seen, or null
 * @param steps how many distinct steps were seen
 * @param wasStuck whether a stuck alert was raised for it before this outcome
 * @param decidedAtMs the tracker's event-time clock when it decided
 * @param blockedBy the Kafka transaction that held the close back from the committed view past the
 *     abort grace, or null (absent from the JSON) when nothing did
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Outcome(
        @JsonProperty("txn_id") String txnId,
        @JsonProperty("txn_type") String txnType,
        @JsonProperty("state") State state,
        @JsonProperty("result") CloseStatus result,
        @JsonProperty("opened_at_ms") Long openedAtMs,
        @JsonProperty("closed_at_ms") Long closedAtMs,
        @JsonProperty("duration_ms") Long durationMs,
        @JsonProperty("commit_latency_ms") Long commitLatencyMs,
        @JsonProperty("outlier") boolean outlier,
        @JsonProperty("last_step") String lastStep,
        @JsonProperty("steps") int steps,
        @JsonProperty("was_stuck") boolean wasStuck,
        @JsonProperty("decided_at_ms") long decidedAtMs,
        @JsonProperty("blocked_by") BlockingKafkaTransaction blockedBy) {

    @JsonCreator
    public Outcome {}

    /** An outcome that nothing held back. */
    public Outcome(String txnId, String txnType, State state, CloseStatus result, Long openedAtMs, Long closedAtMs,
            Long durationMs, Long commitLatencyMs, boolean outlier, String lastStep, int steps, boolean wasStuck,
            long decidedAtMs) {
        this(txnId, txnType, state, result, openedAtMs, closedAtMs, durationMs, commitLatencyMs, outlier, lastStep,
                steps, wasStuck, decidedAtMs, null);
    }

    /** The final lifecycle state. */
    public enum State implements WireNamed {
        CLOSED,
        ABORTED,
        EXPIRED;

        @JsonCreator
        public static State fromWire(String value) {
            return WireNamed.parse(State.class, "outcome state", value);
        }
    }

    /** The outcome in the truth's vocabulary. */
    @JsonIgnore
    public Verdict verdict() {
        switch (state) {
            case CLOSED:
                return result == CloseStatus.FAILED ? Verdict.CLOSED_FAILED : Verdict.CLOSED_SUCCESS;
            case ABORTED:
                return Verdict.ABORTED;
            default:
                return wasStuck ? Verdict.STUCK : Verdict.EXPIRED;
        }
    }
}
