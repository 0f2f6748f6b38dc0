package io.txinsight.job.collector;

import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;

/**
 * Why a poll of the collector failed, as a bounded label: a denied permission names the ACL to
 * add (docs/operations.md §8), so the metric itself says what is missing.
 */
public enum CollectorFailure {
    DENIED_CLUSTER("denied_cluster", "Describe on the cluster"),
    DENIED_TRANSACTIONAL_ID("denied_transactional_id",
            "Describe on the transactional ids (listTransactions, describeTransactions)"),
    DENIED_TOPIC("denied_topic", "Describe and Read on the input topics (listOffsets, describeProducers)"),
    DENIED_GROUP("denied_group", "Describe on the job's two consumer groups (listConsumerGroupOffsets)"),
    TIMEOUT("timeout", null),
    OTHER("other", null);

    private final String label;
    private final String missingPermission;

    CollectorFailure(String label, String missingPermission) {
        this.label = label;
        this.missingPermission = missingPermission;
    }

    public String label() {
        return label;
    }

    /** The ACL the job's principal lacks, or null when the failure is not a denial. */
    public String missingPermission() {
        return missingPermission;
    }

    public static CollectorFailure of(Throwable e) {
        if (e instanceof ClusterAuthorizationException) {
            return DENIED_CLUSTER;
        }
        if (e instanceof TransactionalIdAuthorizationException) {
            return DENIED_TRANSACTIONAL_ID;
        }
        if (e instanceof TopicAuthorizationException) {
            return DENIED_TOPIC;
        }
        if (e instanceof GroupAuthorizationException) {
            return DENIED_GROUP;
        }
        if (e instanceof TimeoutException || e instanceof org.apache.kafka.common.errors.TimeoutException) {
            return TIMEOUT;
        }
        return OTHER;
    }
}
