package io.txinsight.sandbox;

import io.txinsight.broker.EmbeddedKafkaBroker;
import io.txinsight.job.JobConfig;
import io.txinsight.job.TxInsightJob;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.util.FileUtils;

/**
 * What a sandbox command runs on this machine: a work directory, an embedded Kafka (the demo's),
 * the job on a local Flink runtime, and whatever the command starts on top (the demo's workload).
 * {@link #close} stops them in the reverse order of their start, so nothing loses what it stands
 * on while it stops: the workload aborts its Kafka transactions while Kafka is still up.
 *
 * <p>Ctrl-C (any JVM shutdown) does not stop them itself: it ends {@link #printSummaryUntil} and
 * then waits for the command's {@code close()}, because the JVM runs every shutdown hook at once
 * and the order would be lost.
 */
final class LocalStack implements AutoCloseable {

    /** How the live-summary loop ended. */
    enum Ending { STOP_ASKED, JOB_ENDED, DONE }

    /** Kafka partitions of each topic the local broker gets. */
    private static final int EVENT_PARTITIONS = 3;
    private static final int OUTCOME_PARTITIONS = 3;
    /** The job's parallelism when the configuration leaves it to the cluster. */
    private static final int DEFAULT_PARALLELISM = 2;
    private static final Pattern COMPLETED_CHECKPOINTS = Pattern.compile("\"completed\":(\\d+)");
    /** Longest a shutdown waits for everything to stop. */
    private static final int STOP_SECONDS = 90;

    private record Part(String name, AutoCloseable stopper) {}

    private final int webPort;
    private final int metricsPort;
    private final Path workDir;
    private final Deque<Part> started = new ArrayDeque<>();
    private final CountDownLatch stopAsked = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private PrintStream announcements;
    private JobClient job;

    private LocalStack(String command, int webPort, int metricsPort) throws IOException {
        this.webPort = webPort;
        this.metricsPort = metricsPort;
        this.workDir = Files.createTempDirectory("txinsight-" + command + "-");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopAsked.countDown();
            try {
                stopped.await(STOP_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, command + "-ctrl-c"));
    }

    /** Checks the ports first, so a taken one is reported before anything starts. */
    static LocalStack open(String command, int webPort, int metricsPort) throws IOException {
        Ports.requireFree(webPort, "the Flink web UI", "--web-port");
        Ports.requireFree(metricsPort, "the Prometheus endpoint", "--metrics-port");
        return new LocalStack(command, webPort, metricsPort);
    }

    /** Says on {@code out} what it stops, and when everything has stopped. */
    LocalStack announcingStop(PrintStream out) {
        this.announcements = out;
        return this;
    }

    Path workDir() {
        return workDir;
    }

    /**
     * Starts a Kafka with the topics {@code config} reads and writes; the stack stops it last,
     * after everything that uses it.
     */
    EmbeddedKafkaBroker startKafka(int port, JobConfig config) {
        EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(port, java.util.Map.of());
        started.push(new Part("Kafka", kafka));
        kafka.handShutdownToCaller();
        topics(config).forEach(t -> kafka.createTopic(t.name(), t.partitions()));
        return kafka;
    }

    /**
     * The topics of a local Kafka for the job: a few partitions for the events and outcomes, so
     * the job's parallelism shows; one for the alerts and dead letters, which are few.
     */
    static List<TopicSpec> topics(JobConfig config) {
        List<TopicSpec> topics = new ArrayList<>();
        config.input().topics().forEach(t -> topics.add(new TopicSpec(t, EVENT_PARTITIONS)));
        topics.add(new TopicSpec(config.outputs().outcomesTopic(), OUTCOME_PARTITIONS));
        topics.add(new TopicSpec(config.outputs().alertsTopic(), 1));
        topics.add(new TopicSpec(config.outputs().deadLetterTopic(), 1));
        return topics;
    }

    /**
     * Starts the job on a local Flink runtime with its web UI on the web port and its Prometheus
     * endpoint on the metrics port, every file it writes under the work directory.
     */
    JobClient startJob(JobConfig config) throws Exception {
        return startJob(config, null);
    }

    /** The same, with retained checkpoints in {@code state} and resumed from its latest one (if not null). */
    JobClient startJob(JobConfig config, StateDir state) throws Exception {
        int parallelism = config.parallelism() > 0 ? config.parallelism() : DEFAULT_PARALLELISM;
        job = TxInsightJob.start(LocalFlink.environment(webPort, metricsPort, workDir, parallelism, state), config);
        started.push(new Part("job", () -> cancel(job, webPort)));
        return job;
    }

    /** Adds something the command started on top; it is stopped first. */
    void add(String name, AutoCloseable stopper) {
        started.push(new Part(name, stopper));
    }

    /**
     * Waits until the job runs and (up to a minute) for its first completed checkpoint, read from
     * the REST API as an operator would: what starts next then meets a job whose sources and
     * exactly-once sinks are all up.
     */
    void awaitFirstCheckpoint() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        JobStatus status;
        while ((status = jobStatus()) != JobStatus.RUNNING) {
            if (status.isGloballyTerminalState()) {
                throw new IllegalStateException("the job ended while starting: " + status);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the job did not start within 90 s");
            }
            Thread.sleep(200);
        }
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create("http://localhost:" + webPort + "/jobs/" + job.getJobID() + "/checkpoints");
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                String body = http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
                Matcher m = COMPLETED_CHECKPOINTS.matcher(body);
                if (m.find() && Integer.parseInt(m.group(1)) >= 1) {
                    return;
                }
            } catch (IOException notYet) {
                // the REST endpoint answers once the job is fully up
            }
            Thread.sleep(300);
        }
        System.out.println("(no checkpoint completed within 60 s; starting the workload anyway)");
        System.out.flush();
    }

    JobStatus jobStatus() throws Exception {
        return job.getJobStatus().get(10, TimeUnit.SECONDS);
    }

    /**
     * Prints the live summary every {@code everyMs} (never for 0) until Ctrl-C, until the job
     * ends by itself, or until {@code done} (asked after each summary) says so.
     */
    Ending printSummaryUntil(long everyMs, Callable<Boolean> done) throws Exception {
        LiveSummary summary = new LiveSummary(URI.create("http://localhost:" + metricsPort + "/metrics"), System.out);
        long wakeMs = everyMs > 0 ? everyMs : 1_000;
        while (!stopAsked.await(wakeMs, TimeUnit.MILLISECONDS)) {
            if (jobStatus().isGloballyTerminalState()) {
                return Ending.JOB_ENDED;
            }
            if (everyMs > 0) {
                summary.printOnce();
            }
            if (done.call()) {
                return Ending.DONE;
            }
        }
        return Ending.STOP_ASKED;
    }

    /** Whether Ctrl-C (or another JVM shutdown) asked the command to stop. */
    boolean stopAsked() {
        return stopAsked.getCount() == 0;
    }

    /** Stops everything in the reverse order of its start, deletes the work directory, then lets the JVM exit. */
    @Override
    public void close() {
        try {
            if (announcements != null) {
                announcements.println("Stopping: " + String.join(", ", started.stream().map(Part::name).toList()) + "...");
                announcements.flush();
            }
            while (!started.isEmpty()) {
                Part part = started.pop();
                try {
                    part.stopper().close();
                } catch (Exception e) {
                    System.err.println("could not stop the " + part.name() + ": " + e);
                }
            }
            try {
                FileUtils.deleteDirectory(workDir.toFile());
            } catch (IOException e) {
                System.err.println("could not delete " + workDir + ": " + e.getMessage());
            }
            if (announcements != null) {
                announcements.println("Stopped; nothing left running.");
                announcements.flush();
            }
        } finally {
            stopped.countDown();
        }
    }

    /**
     * Cancels the job and waits until the local cluster behind it has let go of its web port, so
     * a following start (or the caller's "nothing left behind" promise) does not race it.
     */
    private static void cancel(JobClient client, int webPort) {
        try {
            client.cancel().get(60, TimeUnit.SECONDS);
        } catch (Exception alreadyDone) {
            // A job that already ended cannot be cancelled; either way it is no longer running.
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && accepts(webPort)) {
            try {
                client.getJobExecutionResult().get(1, TimeUnit.SECONDS);
            } catch (Exception stillStopping) {
                // keep waiting until the deadline
            }
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
