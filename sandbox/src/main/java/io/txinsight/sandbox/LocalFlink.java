package io.txinsight.sandbox;

import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A Flink runtime inside this JVM that looks like a small cluster from outside: the web UI and
 * REST API on {@code webPort}, the Prometheus reporter on {@code metricsPort}, and every file it
 * writes under {@code workDir}, so stopping the sandbox leaves nothing behind; or, given a
 * {@link StateDir}, the checkpoints there, kept when the job stops, and the job resumed from the
 * latest of them.
 */
final class LocalFlink {

    private LocalFlink() {}

    /** The Flink setting that names the checkpoint a job starts from. */
    static final String RECOVERY_PATH = "execution.state-recovery.path";

    static StreamExecutionEnvironment environment(
            int webPort, int metricsPort, Path workDir, int parallelism, StateDir state) {
        Configuration conf = new Configuration();
        conf.set(RestOptions.PORT, webPort);
        conf.set(RestOptions.ADDRESS, "localhost");
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.setString("metrics.reporter.prom.factory.class",
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        conf.setString("metrics.reporter.prom.port", String.valueOf(metricsPort));
        conf.setString("metrics.reporter.prom.scope.variables.excludes", "task_attempt_id;task_attempt_num;tm_id");
        conf.setString("io.tmp.dirs", workDir.resolve("flink-tmp").toString());
        conf.setString("web.tmpdir", workDir.resolve("flink-web").toString());
        conf.setString("blob.storage.directory", workDir.resolve("flink-blobs").toString());
        if (state == null) {
            conf.setString("execution.checkpointing.dir", workDir.resolve("checkpoints").toUri().toString());
        } else {
            conf.setString("execution.checkpointing.dir", state.checkpoints().toUri().toString());
            // Kept when the job is cancelled (Ctrl-C) or its process dies, so the next start resumes.
            conf.setString("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
            // Checkpoints are what a restart resumes from: on unless --checkpoint-interval sets its own.
            conf.setString("execution.checkpointing.interval", "10s");
            state.latestCheckpoint().ifPresent(checkpoint -> {
                conf.setString(RECOVERY_PATH, checkpoint.toUri().toString());
                // The new run owns the checkpoint it resumed from and deletes it once a newer one
                // exists, so the state directory does not grow with every restart.
                conf.setString("execution.state-recovery.claim-mode", "CLAIM");
            });
        }
        conf.setString("taskmanager.numberOfTaskSlots", String.valueOf(Math.max(parallelism, 1)));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
        env.setParallelism(parallelism);
        return env;
    }
}
