package io.txinsight.job.sources;

import io.txinsight.job.records.DecodedRecord;
import io.txinsight.job.records.View;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * The two Kafka sources of docs/design.md §1: the same topics read twice, once as a monitor
 * ({@code read_uncommitted}: every record as soon as it is written, aborted ones included) and
 * once as a validator ({@code read_committed}: only committed Kafka transactions, up to the last
 * stable offset).
 */
public final class KafkaViews {

    private KafkaViews() {}

    /** Client-side isolation of each view; set explicitly, never left to the client default. */
    public static String isolationLevel(View view) {
        return view == View.MONITOR ? "read_uncommitted" : "read_committed";
    }

    public static KafkaSource<DecodedRecord> source(KafkaInput input, View view, String groupId) {
        KafkaSourceBuilder<DecodedRecord> b = KafkaSource.<DecodedRecord>builder()
                .setBootstrapServers(input.bootstrapServers())
                .setGroupId(groupId)
                .setClientIdPrefix(groupId)
                .setStartingOffsets(input.startingOffsets().initializer())
                .setDeserializer(new ViewDeserializer(view, WallClock.SYSTEM, input.maxClockSkewMs()));
        if (input.topicPattern() != null) {
            b.setTopicPattern(input.topicPattern());
        } else {
            b.setTopics(input.topics());
        }
        input.clientProperties().forEach(b::setProperty);
        // After the passthrough, so no property can turn the monitor into a second validator.
        b.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel(view));
        // Added to the user's reporters, if any: how the job tells an outage from silence.
        b.setProperty(ConsumerConfig.METRIC_REPORTER_CLASSES_CONFIG,
                FetchHealth.withThisReporter(input.clientProperties().get(ConsumerConfig.METRIC_REPORTER_CLASSES_CONFIG)));
        if (input.bounded()) {
            b.setBounded(OffsetsInitializer.latest());
        }
        return b.build();
    }
}
