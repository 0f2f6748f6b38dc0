package io.txinsight.events;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JSON for the records txinsight itself writes and reads back: outcomes, alerts, dead letters,
 * truth and reports. Lenient on unknown fields so newer writers do not break older readers.
 */
public final class RecordJson {

    private static final ObjectMapper MAPPER =
            new ObjectMapper()
                    .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private RecordJson() {}

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] toBytes(Object record) {
        try {
            return MAPPER.writeValueAsBytes(record);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T> T fromBytes(byte[] json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException("not a " + type.getSimpleName() + " record: " + e.getMessage(), e);
        }
    }
}
