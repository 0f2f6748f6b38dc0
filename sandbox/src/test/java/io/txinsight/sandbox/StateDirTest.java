package io.txinsight.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.job.JobConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirTest {

    @TempDir
    Path dir;

    @Test
    void noCheckpointsInANewDirectory() {
        assertThat(new StateDir(dir.resolve("new")).latestCheckpoint()).isEmpty();
    }

    @Test
    void theLatestIsTheNewestCompleteCheckpointOfAnyRun() throws Exception {
        StateDir state = new StateDir(dir);
        Path olderRun = checkpoint(state, "run-a", 7, Instant.parse("2026-01-01T10:00:00Z"));
        Path newerRun = checkpoint(state, "run-b", 2, Instant.parse("2026-01-01T11:00:00Z"));
        // A checkpoint still being written has no _metadata yet; a run may have none at all.
        Files.createDirectories(state.checkpoints().resolve("run-b").resolve("chk-3"));
        Files.createDirectories(state.checkpoints().resolve("run-c").resolve("shared"));

        assertThat(state.latestCheckpoint()).contains(newerRun);
        Files.setLastModifiedTime(olderRun.resolve("_metadata"), FileTime.from(Instant.parse("2026-01-01T12:00:00Z")));
        assertThat(state.latestCheckpoint()).contains(olderRun);
    }

    @Test
    void checkpointsOfAnotherKafkaClusterAreMovedAsideNotResumed() throws Exception {
        StateDir state = new StateDir(dir);
        assertThat(state.belongTo("cluster-a")).isEmpty();
        checkpoint(state, "run-a", 1, Instant.now());
        assertThat(state.belongTo("cluster-a")).as("the same cluster again").isEmpty();
        assertThat(state.latestCheckpoint()).isPresent();

        assertThat(state.belongTo("cluster-b")).hasValueSatisfying(m -> assertThat(m).contains("cluster-a", "cluster-b"));
        assertThat(state.latestCheckpoint()).isEmpty();
        try (var kept = Files.list(dir)) {
            assertThat(kept.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("checkpoints-of-cluster-cluster-a-"));
        }
    }

    @Test
    void theDefaultDependsOnWhatTheJobReadsAndWritesNotOnItsTuning() {
        JobConfig config = JobConfig.DEFAULTS.withTopics("payments");
        Path home = Path.of(System.getProperty("user.home"), ".txinsight", "state");
        assertThat(Path.of(StateDir.defaultFor(config).toString())).startsWithRaw(home);
        assertThat(StateDir.defaultFor(config.withParallelism(4).withCheckpointIntervalMs(5_000)).toString())
                .isEqualTo(StateDir.defaultFor(config).toString());
        assertThat(StateDir.defaultFor(config.withTopics("transfers")).toString())
                .isNotEqualTo(StateDir.defaultFor(config).toString());
    }

    private static Path checkpoint(StateDir state, String run, int n, Instant written) throws Exception {
        Path chk = Files.createDirectories(state.checkpoints().resolve(run).resolve("chk-" + n));
        Files.writeString(chk.resolve("_metadata"), "metadata");
        Files.setLastModifiedTime(chk.resolve("_metadata"), FileTime.from(written));
        return chk;
    }
}
