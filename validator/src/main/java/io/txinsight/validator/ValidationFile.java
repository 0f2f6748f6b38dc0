package io.txinsight.validator;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.txinsight.events.RecordJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code report/validation.json}: a {@link Validation} and where its observations came from. The
 * report command reads it back to show the validation beside the charts.
 *
 * @param scenario the scenario directory validated
 * @param validatedAt when, ISO-8601 UTC
 * @param source the topics read and how reading went
 * @param validation the comparison
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ValidationFile(
        @JsonProperty("scenario") String scenario,
        @JsonProperty("validated_at") String validatedAt,
        @JsonProperty("source") Source source,
        @JsonProperty("validation") Validation validation) {

    public static final String FILE_NAME = "validation.json";

    @JsonCreator
    public ValidationFile {}

    /**
     * @param bootstrapServers the Kafka cluster read
     * @param outcomesTopic the outcomes topic
     * @param alertsTopic the alerts topic
     * @param outcomeRecords outcome records read
     * @param alertRecords alert records read
     * @param unreadableRecords records that were not outcome or alert JSON
     * @param unreadableSamples where the first of those are, and why
     * @param complete every transaction was accounted for before the timeout
     * @param missingTopics topics that did not exist
     * @param elapsedMs how long reading took
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Source(
            @JsonProperty("bootstrap_servers") String bootstrapServers,
            @JsonProperty("outcomes_topic") String outcomesTopic,
            @JsonProperty("alerts_topic") String alertsTopic,
            @JsonProperty("outcome_records") long outcomeRecords,
            @JsonProperty("alert_records") long alertRecords,
            @JsonProperty("unreadable_records") long unreadableRecords,
            @JsonProperty("unreadable_samples") List<String> unreadableSamples,
            @JsonProperty("complete") boolean complete,
            @JsonProperty("missing_topics") List<String> missingTopics,
            @JsonProperty("elapsed_ms") long elapsedMs) {
        @JsonCreator
        public Source {
            unreadableSamples = unreadableSamples == null ? List.of() : List.copyOf(unreadableSamples);
            missingTopics = missingTopics == null ? List.of() : List.copyOf(missingTopics);
        }
    }

    public static ValidationFile read(Path file) throws IOException {
        return RecordJson.mapper().readValue(file.toFile(), ValidationFile.class);
    }

    public void write(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        RecordJson.mapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), this);
    }
}
