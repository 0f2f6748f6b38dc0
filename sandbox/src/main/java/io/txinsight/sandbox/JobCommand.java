package io.txinsight.sandbox;

import io.txinsight.job.JobConfig;
import io.txinsight.job.JobOptions;
import io.txinsight.job.TxInsightJob;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/** {@code txinsight job}: the txinsight Flink job on a local Flink runtime, against any Kafka. */
@Command(
        name = "job",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the txinsight job on a local Flink runtime (web UI and Prometheus endpoint included)",
            "against any Kafka, until Ctrl-C. Every option not listed here goes to the job itself:",
            "see the job's options below (the same as for `flink run txinsight-job.jar`)."
        },
        footer = {"", "Example:", "  ./txinsight job --bootstrap-servers 127.0.0.1:9092 --topics txn-events --stuck-timeout 30s"})
public final class JobCommand implements Callable<Integer> {

    @Option(names = "--web-port", defaultValue = "8081", description = "Flink web UI and REST port (default: ${DEFAULT-VALUE}).")
    int webPort;

    @Option(names = "--metrics-port", defaultValue = "9249", description = "Prometheus endpoint port (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(names = "--summary-every", defaultValue = "5s", converter = JobOptions.DurationConverter.class,
            description = "How often to print the live summary; 0 for never (default: ${DEFAULT-VALUE}).")
    long summaryEveryMs;

    @Unmatched
    List<String> jobArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        JobOptions options = JobOptions.parse(jobArgs.toArray(new String[0]));
        if (options.helpRequested()) {
            System.out.print(JobOptions.usage());
            return 0;
        }
        Ports.requireFree(webPort, "the Flink web UI", "--web-port");
        Ports.requireFree(metricsPort, "the Prometheus endpoint", "--metrics-port");
        Path workDir = Files.createTempDirectory("txinsight-job-");
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            awaitQuietly(stopped, 60);
        }, "job-ctrl-c"));
        try {
            JobConfig config = options.config();
            JobClient client = TxInsightJob.start(LocalFlink.environment(webPort, metricsPort, workDir,
                    config.parallelism() > 0 ? config.parallelism() : 2), config);
            System.out.println("txinsight job " + client.getJobID() + " is running: Flink web UI http://localhost:" + webPort
                    + ", metrics http://localhost:" + metricsPort + "/metrics. Ctrl-C stops it.");
            LiveSummary summary = new LiveSummary(URI.create("http://localhost:" + metricsPort + "/metrics"), System.out);
            long every = summaryEveryMs == 0 ? Long.MAX_VALUE : summaryEveryMs;
            while (!stop.await(every, TimeUnit.MILLISECONDS)) {
                if (client.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
                    System.out.println("the job ended: " + client.getJobStatus().get());
                    return 1;
                }
                summary.printOnce();
            }
            Sandbox.cancel(client, webPort);
            return 0;
        } finally {
            Sandbox.deleteRecursively(workDir);
            stopped.countDown();
        }
    }

    static void awaitQuietly(CountDownLatch latch, int seconds) {
        try {
            latch.await(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void main(String[] args) {
        System.exit(Sandbox.commandLine(new JobCommand()).execute(args));
    }
}
