package io.txinsight.replayer;

/** Publishing failed part-way (Kafka refused, timed out, or fenced a producer); open transactions were aborted. */
public class ReplayFailedException extends RuntimeException {
    public ReplayFailedException(String message, Throwable cause) {
        super(message, cause);
    }

    public ReplayFailedException(String message) {
        super(message);
    }
}
