package io.txinsight.sandbox;

import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A Flink runtime inside this JVM that looks like a small cluster from outside: the web UI and
 * REST API on {@code webPort}, the Prometheus reporter on {@code metricsPort}, and every file it
 * writes under {@code workDir}, so stopping the sandbox leaves nothing behind.
 */
final class LocalFlink {

    private LocalFlink() {}

    static StreamExecutionEnvironment environment(int webPort, int metricsPort, Path workDir, int parallelism) {
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
        conf.setString("execution.checkpointing.dir", workDir.resolve("checkpoints").toUri().toString());
        conf.setString("taskmanager.numberOfTaskSlots", String.valueOf(Math.max(parallelism, 1)));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
        env.setParallelism(parallelism);
        return env;
    }
}
