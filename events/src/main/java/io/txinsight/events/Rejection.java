package io.txinsight.events;

/**
 * Why a record is not a valid business event, in words a producer's author can act on.
 *
 * @param reason the kind of problem, stable for counting and alerting
 * @param field the offending field ({@code txn_id}, {@code ts}, …), or null when the whole record
 *     is at fault
 * @param message a full sentence: what is wrong, where, and what was expected
 */
public record Rejection(Reason reason, String field, String message) {

    public enum Reason {
        /** Empty, not UTF-8, not JSON, or JSON followed by trailing garbage. */
        NOT_JSON,
        /** Valid JSON, but not an object. */
        NOT_OBJECT,
        /** Past a size, nesting, string or number length limit. */
        TOO_LARGE,
        MISSING_FIELD,
        BLANK_FIELD,
        FIELD_TOO_LONG,
        WRONG_TYPE,
        UNKNOWN_VALUE,
        UNPARSEABLE_TIMESTAMP,
        DUPLICATE_FIELD,
        /**
         * Dated further ahead of the reader's wall clock than it allows (the job's
         * {@code --max-clock-skew}). Not the codec's to judge: a reader with a clock rejects it.
         */
        FUTURE_TIMESTAMP
    }

    @Override
    public String toString() {
        return message;
    }
}
