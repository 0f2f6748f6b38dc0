package io.txinsight.simulator.publish;

/**
 * What a stream or batch run published.
 *
 * @param records records sent (business events and malformed ones)
 * @param committedTxns Kafka transactions committed
 * @param abortedTxns Kafka transactions aborted (hanging ones included)
 * @param elapsedMs wall-clock time from the start of the schedule to the last transaction ended
 * @param publishMs wall-clock time from the first send to the last
 * @param scenarioMs scenario time from the start to the last record's publish time
 * @param maxBehindMs how far behind its scheduled time the latest record went out (paced runs)
 */
public record PublishReport(
        long records, long committedTxns, long abortedTxns, long elapsedMs, long publishMs, long scenarioMs,
        long maxBehindMs) {

    /** Records per second achieved while publishing (first send to last send). */
    public double recordsPerSecond() {
        return publishMs <= 0 ? 0 : records * 1000.0 / publishMs;
    }

    /** Records per second the schedule asked for (paced runs): all records over the scenario's span. */
    public double scheduledPerSecond() {
        return scenarioMs <= 0 ? 0 : records * 1000.0 / scenarioMs;
    }
}
