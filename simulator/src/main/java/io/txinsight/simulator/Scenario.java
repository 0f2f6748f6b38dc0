package io.txinsight.simulator;

import io.txinsight.events.Truth;
import java.nio.file.Path;

/**
 * A generated scenario on disk.
 *
 * @param dir the scenario directory
 * @param eventsFile {@code dir/events.jsonl}: the records to publish, in order
 * @param truthFile {@code dir/report/truth.json}: what the job must conclude
 * @param truth the truth, as written
 */
public record Scenario(Path dir, Path eventsFile, Path truthFile, Truth truth) {

    public static final String EVENTS_FILE = "events.jsonl";
    public static final String REPORT_DIR = "report";
    public static final String TRUTH_FILE = "truth.json";

    public static Path eventsFileIn(Path dir) {
        return dir.resolve(EVENTS_FILE);
    }

    public static Path truthFileIn(Path dir) {
        return dir.resolve(REPORT_DIR).resolve(TRUTH_FILE);
    }
}
