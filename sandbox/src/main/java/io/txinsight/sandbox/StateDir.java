package io.txinsight.sandbox;

import io.txinsight.job.JobConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where {@code txinsight job} keeps its retained checkpoints, so that the job started again with
 * the same options resumes where it stopped: after Ctrl-C, a crash or a {@code kill -9}.
 *
 * <p>Flink writes each run's checkpoints to {@code checkpoints/<job id>/chk-<n>/}, and a
 * checkpoint is complete once its {@code _metadata} file exists (Flink writes it last, under a
 * temporary name it renames). Each run has a new job id, so the latest checkpoint is the newest
 * complete one across every run's directory.
 */
final class StateDir {

    private static final String METADATA = "_metadata";
    private static final String CLUSTER_ID = "kafka-cluster-id";

    private final Path dir;

    StateDir(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    /**
     * The documented default: {@code ~/.txinsight/state/<job name>-<identity>}, where the identity
     * is a short hash of what makes the job this job: the Kafka cluster's address, the input
     * topics, the consumer groups, the output topics and the transactional id prefix. Started
     * again with those, the job resumes; tuning options (timeouts, parallelism) may change in
     * between. Another input or output starts afresh in a directory of its own instead of
     * restoring offsets and transactions that belong elsewhere.
     */
    static StateDir defaultFor(JobConfig config) {
        JobConfig.Input in = config.input();
        JobConfig.Outputs out = config.outputs();
        String identity = String.join("\n", config.bootstrapServers(), String.join(",", in.topics()),
                String.valueOf(in.topicPattern()), in.monitorGroupId(), in.committedGroupId(), out.outcomesTopic(),
                out.alertsTopic(), out.deadLetterTopic(), out.transactionalIdPrefix());
        String hash = String.format("%08x", identity.hashCode());
        return new StateDir(Path.of(System.getProperty("user.home"), ".txinsight", "state", config.jobName() + "-" + hash));
    }

    Path checkpoints() {
        return dir.resolve("checkpoints");
    }

    /**
     * Records that the job now runs against the Kafka cluster {@code clusterId}. Checkpoints hold
     * one cluster's offsets and transactional producers; when the cluster behind the address is
     * another one (a fresh {@code ./txinsight broker} keeps nothing), they are moved aside, not
     * deleted, and the job starts afresh.
     *
     * @return what was moved aside, to tell the user; empty if nothing was
     */
    Optional<String> belongTo(String clusterId) throws IOException {
        Path file = dir.resolve(CLUSTER_ID);
        Optional<String> movedAside = Optional.empty();
        if (Files.isRegularFile(file) && Files.isDirectory(checkpoints())) {
            String previous = Files.readString(file).trim();
            if (!previous.equals(clusterId)) {
                Path aside = dir.resolve("checkpoints-of-cluster-" + previous + "-" + System.currentTimeMillis());
                Files.move(checkpoints(), aside);
                movedAside = Optional.of("The checkpoints in " + dir + " are of another Kafka cluster (" + previous
                        + "; this one is " + clusterId + "): starting afresh. They are kept in " + aside + ".");
            }
        }
        Files.createDirectories(dir);
        Files.writeString(file, clusterId);
        return movedAside;
    }

    /** The newest complete checkpoint (its {@code chk-<n>} directory), if any run left one. */
    Optional<Path> latestCheckpoint() {
        Path root = checkpoints();
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> runs = Files.list(root)) {
            return runs.filter(Files::isDirectory)
                    .flatMap(StateDir::completeCheckpoints)
                    .max(Comparator.comparing(StateDir::metadataTime).thenComparing(StateDir::number));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the state directory " + dir, e);
        }
    }

    private static Stream<Path> completeCheckpoints(Path run) {
        try (Stream<Path> children = Files.list(run)) {
            return children.filter(c -> c.getFileName().toString().matches("chk-\\d+"))
                    .filter(c -> Files.isRegularFile(c.resolve(METADATA)))
                    .toList()
                    .stream();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + run, e);
        }
    }

    private static FileTime metadataTime(Path checkpoint) {
        try {
            return Files.getLastModifiedTime(checkpoint.resolve(METADATA));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long number(Path checkpoint) {
        return Long.parseLong(checkpoint.getFileName().toString().substring("chk-".length()));
    }

    @Override
    public String toString() {
        return dir.toString();
    }
}
