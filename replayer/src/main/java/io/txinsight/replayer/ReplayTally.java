package io.txinsight.replayer;

/** Counts kept by the scheduler thread while replaying. */
final class ReplayTally {
    long records;
    long plainRecords;
    long committed;
    long aborted;
    long hung;
    long abortedOnStop;
}
