package io.txinsight.replayer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line without Kafka: help, exit codes, and what errors say. */
class ReplayCliTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return ReplayCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void helpTeachesEveryOption() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains(
                "--file", "--bootstrap-servers", "--speed", "max", "--topic-map", "--topic-prefix",
                "--kafka-property", "--producer-config", "--loop", "--dry-run", "--from", "--to",
                "--transactional-id-prefix", "--parallel-commits", "--rebase-time", "--no-progress", "Examples:", "Exit status");
    }

    @Test
    void anInvalidLineIsReportedAsFileLineFieldAndExitsWithOne() {
        Path file = new ScenarioFile().plain(0, "a")
                .line("{\"at_ms\": 1, \"topic\": \"t\", \"raw\": \"x\", \"txn\": {\"producer\": \"p\", \"seq\": 0, \"fate\": \"commit\"}}")
                .writeTo(dir.resolve("events.jsonl"));

        assertThat(run("--file", file.toString(), "--bootstrap-servers", "127.0.0.1:1")).isEqualTo(1);
        assertThat(err.toString())
                .contains(file + ":2: field 'txn.end_ms': is missing")
                .contains("Nothing was published");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void dryRunNeedsNoKafka() {
        Path file = new ScenarioFile().plain(0, "a").plain(1500, "b").writeTo(dir.resolve("events.jsonl"));

        assertThat(run("--file", file.toString(), "--dry-run", "--speed", "0.5")).isZero();
        assertThat(out.toString()).contains("is valid (2 records)", "1.5 s of scenario time, 3.0 s at 0.5x");
    }

    @Test
    void badOptionsExitWithTwoAndSayWhatToDo() {
        Path file = new ScenarioFile().plain(0, "a").writeTo(dir.resolve("events.jsonl"));

        assertThat(run("--file", file.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--bootstrap-servers is required (unless --dry-run)");

        assertThat(run("--file", file.toString(), "--dry-run", "--speed", "fast")).isEqualTo(2);
        assertThat(err.toString()).contains("use a factor such as 0.5, 1 or 10, or 'max'");

        assertThat(run("--file", file.toString(), "--dry-run", "--from", "3")).isEqualTo(2);
        assertThat(err.toString()).contains("--from 3 is past the end");

        assertThat(run("--file", dir.resolve("missing.jsonl").toString(), "--dry-run")).isEqualTo(2);
        assertThat(err.toString()).contains("does not exist");

        assertThat(run("--bootstrap-servers", "k:9092")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required option: '--file=FILE'");
    }
}
