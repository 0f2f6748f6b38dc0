package io.txinsight.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A record the job could not read as a business event, as written to the dead-letter topic: where
 * it came from, why it was rejected, and the original value (base64, so nothing is lost).
 *
 * @param topic source topic
 * @param partition source partition
 * @param offset source offset
 * @param view the view that read it ({@code monitor}); each record is dead-lettered once
 * @param reason {@link Rejection.Reason} name, or {@link #DECODER_ERROR}
 * @param field the offending field, or null
 * @param message the rejection in words
 * @param key the record key as UTF-8 text, or null
 * @param valueBase64 the original value, base64-encoded
 * @param valuePreview up to 512 characters of the value as UTF-8 text, for reading by eye
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeadLetter(
        @JsonProperty("topic") String topic,
        @JsonProperty("partition") int partition,
        @JsonProperty("offset") long offset,
        @JsonProperty("view") String view,
        @JsonProperty("reason") String reason,
        @JsonProperty("field") String field,
        @JsonProperty("message") String message,
        @JsonProperty("key") String key,
        @JsonProperty("value_base64") String valueBase64,
        @JsonProperty("value_preview") String valuePreview) {

    /**
     * The reason for an error the codec did not foresee (a bug, not bad input). It sits beside the
     * record it names, so the job's reader that writes it and the metrics that count it share it.
     */
    public static final String DECODER_ERROR = "DECODER_ERROR";

    @JsonCreator
    public DeadLetter {}
}
