package io.txinsight.job.sources;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The Kafka topics both views read and how.
 *
 * @param bootstrapServers the cluster
 * @param topics the topics, or empty when {@code topicPattern} is set
 * @param topicPattern a regular expression over topic names, or null
 * @param startingOffsets where to start without a checkpoint
 * @param clientProperties extra consumer properties (security settings, …) for both views
 * @param bounded stop at the offsets that are latest when the job starts (benchmarks, tests)
 * @param maxClockSkewMs how far ahead of the wall clock an event may be dated (see {@link ViewDeserializer})
 */
public record KafkaInput(
        String bootstrapServers,
        List<String> topics,
        Pattern topicPattern,
        StartingOffsets startingOffsets,
        Map<String, String> clientProperties,
        boolean bounded,
        long maxClockSkewMs)
        implements Serializable {

    public KafkaInput {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        topics = topics == null ? List.of() : List.copyOf(topics);
        if (topics.isEmpty() == (topicPattern == null)) {
            throw new IllegalArgumentException("give either topics or a topic pattern");
        }
        startingOffsets = startingOffsets == null ? StartingOffsets.COMMITTED : startingOffsets;
        clientProperties = clientProperties == null ? Map.of() : Map.copyOf(clientProperties);
        if (maxClockSkewMs < 0) {
            throw new IllegalArgumentException("maxClockSkewMs must not be negative");
        }
    }

    public static KafkaInput ofTopics(String bootstrapServers, String... topics) {
        return new KafkaInput(bootstrapServers, List.of(topics), null, StartingOffsets.EARLIEST, Map.of(), false,
                io.txinsight.job.JobConfig.Input.DEFAULTS.maxClockSkewMs());
    }

    public KafkaInput withStartingOffsets(StartingOffsets offsets) {
        return new KafkaInput(bootstrapServers, topics, topicPattern, offsets, clientProperties, bounded, maxClockSkewMs);
    }

    public KafkaInput withBounded(boolean bounded) {
        return new KafkaInput(bootstrapServers, topics, topicPattern, startingOffsets, clientProperties, bounded, maxClockSkewMs);
    }

    public KafkaInput withClientProperties(Map<String, String> properties) {
        return new KafkaInput(bootstrapServers, topics, topicPattern, startingOffsets, properties, bounded, maxClockSkewMs);
    }

    /** The topics as users wrote them, for names and logs. */
    public String describeTopics() {
        return topicPattern != null ? "/" + topicPattern.pattern() + "/" : String.join(",", topics);
    }
}
