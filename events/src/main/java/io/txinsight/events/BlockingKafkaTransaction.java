package io.txinsight.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The Kafka transaction that held a business transaction's close back from the committed view:
 * the oldest transaction open on the close's partition, which pins its last stable offset. Named
 * so that an operator can look it up ({@code kafka-transactions.sh describe --transactional-id …})
 * or end it.
 *
 * @param transactionalId the producer's transactional id, or null if the coordinator knows none
 *     (a hanging transaction, see docs/runbooks.md)
 * @param producerId the producer id holding the transaction open
 * @param partitions the partitions the transaction holds open, as {@code topic-partition}: those
 *     the coordinator lists for it, else the one where it was found
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BlockingKafkaTransaction(
        @JsonProperty("transactional_id") String transactionalId,
        @JsonProperty("producer_id") long producerId,
        @JsonProperty("partitions") List<String> partitions) {

    @JsonCreator
    public BlockingKafkaTransaction {
        partitions = partitions == null ? List.of() : List.copyOf(partitions);
    }
}
