package io.txinsight.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.Awaitility;

/**
 * A real Flink session cluster as an operator runs one: a JobManager
 * ({@code StandaloneSessionClusterEntrypoint}) and TaskManagers ({@code TaskManagerRunner}) as
 * separate JVMs on 127.0.0.1, started from the Maven jars, driven only through the REST API.
 *
 * <p>Every process reads the <b>shipped</b> {@code flink-conf/config.yaml}, copied unchanged into
 * its configuration directory; only addresses, ports and directories are overridden, as dynamic
 * properties ({@code -Dkey=value}) on the command line, the way an operator's start script would.
 * The JVM options the shipped file gives ({@code env.java.opts.all}) are passed to every JVM, and
 * the memory flags come from Flink itself, as {@code bin/jobmanager.sh} and
 * {@code bin/taskmanager.sh} get them.
 */
final class FlinkSessionCluster implements AutoCloseable {

    static final Path SHIPPED_CONFIG = Path.of("..", "flink-conf", "config.yaml").toAbsolutePath().normalize();

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path workDir;
    private final Path confDir;
    private final String classpath;
    private final Map<String, String> overrides;
    private final List<String> shippedJvmOpts;
    private final int restPort;
    private final HttpClient http = HttpClient.newHttpClient();
    /** Every JVM ever started, killed ones included: {@link #close()} and the tests' last check see them all. */
    private final List<ChildJvm> processes = new ArrayList<>();
    /** The TaskManagers meant to be running, by slot in the cluster (a restarted one takes its slot). */
    private final List<TaskManager> taskManagers = new ArrayList<>();
    private int taskManagerGeneration;

    /** One TaskManager JVM, known to the JobManager by its resource id and serving metrics on its own port. */
    record TaskManager(String resourceId, int metricsPort, ChildJvm jvm) {
        URI metrics() {
            return URI.create("http://127.0.0.1:" + metricsPort + "/metrics");
        }
    }

    private FlinkSessionCluster(Path workDir, Path confDir, String classpath, Map<String, String> overrides,
            List<String> shippedJvmOpts, int restPort) {
        this.workDir = workDir;
        this.confDir = confDir;
        this.classpath = classpath;
        this.overrides = overrides;
        this.shippedJvmOpts = shippedJvmOpts;
        this.restPort = restPort;
    }

    /**
     * Starts a JobManager and {@code taskManagers} TaskManagers; checkpoints and savepoints go to
     * {@code workDir/checkpoints} and {@code workDir/savepoints}.
     */
    static FlinkSessionCluster start(Path workDir, String flinkClasspath, int taskManagers) throws Exception {
        Path conf = Files.createDirectories(workDir.resolve("conf"));
        Files.copy(SHIPPED_CONFIG, conf.resolve("config.yaml"));
        Files.writeString(conf.resolve("log4j.properties"), String.join("\n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.out.ref = out",
                "logger.kafka.name = org.apache.kafka",
                "logger.kafka.level = WARN",
                "appender.out.name = out",
                "appender.out.type = Console",
                "appender.out.layout.type = PatternLayout",
                "appender.out.layout.pattern = %d{HH:mm:ss.SSS} %-5p %c{1} - %m%n",
                ""));
        int restPort = freePort();
        // Only addresses, ports and directories: everything else is the shipped file's.
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("jobmanager.rpc.address", "127.0.0.1");
        overrides.put("jobmanager.rpc.port", String.valueOf(freePort()));
        overrides.put("jobmanager.bind-host", "127.0.0.1");
        overrides.put("taskmanager.bind-host", "127.0.0.1");
        overrides.put("taskmanager.host", "127.0.0.1");
        overrides.put("rest.address", "127.0.0.1");
        overrides.put("rest.bind-address", "127.0.0.1");
        overrides.put("rest.port", String.valueOf(restPort));
        overrides.put("io.tmp.dirs", Files.createDirectories(workDir.resolve("tmp")).toString());
        overrides.put("execution.checkpointing.dir", Files.createDirectories(workDir.resolve("checkpoints")).toUri().toString());
        overrides.put("execution.checkpointing.savepoint-dir",
                Files.createDirectories(workDir.resolve("savepoints")).toUri().toString());
        List<String> shippedJvmOpts = Arrays.asList(shippedJavaOpts(conf).trim().split("\\s+"));

        FlinkSessionCluster cluster = new FlinkSessionCluster(workDir, conf, flinkClasspath, overrides, shippedJvmOpts, restPort);
        try {
            Map<String, String> jm = new LinkedHashMap<>(overrides);
            jm.put("metrics.reporter.prom.port", String.valueOf(freePort()));
            Resources jmResources = Resources.compute(flinkClasspath, conf, jm, "GET_JM_RESOURCE_PARAMS", workDir);
            List<String> jmArgs = new ArrayList<>(List.of("--configDir", conf.toString()));
            jmArgs.addAll(dynamicProperties(jm));
            jmArgs.addAll(jmResources.dynamicConfig());
            cluster.processes.add(ChildJvm.start("jobmanager", flinkClasspath, cluster.jvmArgs(jmResources),
                    "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint", jmArgs,
                    workDir.resolve("jobmanager.log")));
            for (int i = 0; i < taskManagers; i++) {
                cluster.taskManagers.add(cluster.startTaskManager());
            }
            cluster.awaitTaskManagers(taskManagers, Duration.ofSeconds(120));
            return cluster;
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
    }

    /** The shipped file's {@code env.java.opts.all}, as Flink's own configuration parser reads it. */
    private static String shippedJavaOpts(Path conf) {
        return org.apache.flink.configuration.GlobalConfiguration.loadConfiguration(conf.toString())
                .get(org.apache.flink.configuration.CoreOptions.FLINK_JVM_OPTIONS);
    }

    List<String> shippedJvmOpts() {
        return shippedJvmOpts;
    }

    private List<String> jvmArgs(Resources resources) {
        List<String> args = new ArrayList<>(shippedJvmOpts);
        args.add("-Dlog4j.configurationFile=" + confDir.resolve("log4j.properties").toUri());
        args.addAll(resources.jvmArgs());
        return args;
    }

    private TaskManager startTaskManager() throws Exception {
        String resourceId = "tm-" + (++taskManagerGeneration);
        int metricsPort = freePort();
        Map<String, String> tm = new LinkedHashMap<>(overrides);
        tm.put("metrics.reporter.prom.port", String.valueOf(metricsPort));
        // A name the drills can find in GET /taskmanagers; a restarted TaskManager gets a new one,
        // as a new pod would, so the JobManager never mistakes it for the one it lost.
        tm.put("taskmanager.resource-id", resourceId);
        Resources resources = Resources.compute(classpath, confDir, tm, "GET_TM_RESOURCE_PARAMS", workDir);
        List<String> args = new ArrayList<>(List.of("--configDir", confDir.toString()));
        args.addAll(dynamicProperties(tm));
        args.addAll(resources.dynamicConfig());
        ChildJvm jvm = ChildJvm.start("taskmanager " + resourceId, classpath, jvmArgs(resources),
                "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", args, workDir.resolve(resourceId + ".log"));
        processes.add(jvm);
        return new TaskManager(resourceId, metricsPort, jvm);
    }

    private static List<String> dynamicProperties(Map<String, String> properties) {
        List<String> args = new ArrayList<>();
        properties.forEach((k, v) -> args.add("-D" + k + "=" + v));
        return args;
    }

    private record Resources(List<String> jvmArgs, List<String> dynamicConfig) {
        static Resources compute(String classpath, Path conf, Map<String, String> overrides, String what, Path workDir)
                throws Exception {
            Path out = workDir.resolve("resources-" + UUID.randomUUID() + ".txt");
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", classpath, "org.apache.flink.runtime.util.bash.BashJavaUtils",
                    what, "--configDir", conf.toString()));
            cmd.addAll(dynamicProperties(overrides));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("BashJavaUtils failed: " + Files.readString(out));
            }
            List<String> results = new ArrayList<>();
            for (String line : Files.readAllLines(out)) {
                if (line.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:")) {
                    results.add(line.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length()).trim());
                }
            }
            if (results.isEmpty()) {
                throw new IllegalStateException("unexpected BashJavaUtils output: " + Files.readString(out));
            }
            // The JobManager gets JVM flags only; the TaskManager also its memory sizes as dynamic config.
            return new Resources(Arrays.asList(results.get(0).split("\\s+")),
                    results.size() > 1 ? Arrays.asList(results.get(1).trim().split("\\s+")) : List.of());
        }
    }

    /** Waits until {@code count} TaskManagers are registered, every JVM still alive. */
    void awaitTaskManagers(int count, Duration timeout) {
        Awaitility.await(count + " TaskManagers registered")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptionsInstanceOf(IOException.class)
                .until(() -> {
                    for (TaskManager tm : taskManagers) {
                        if (!tm.jvm().isAlive()) {
                            throw new IllegalStateException(tm.resourceId() + " exited; log:\n" + tail(tm.jvm().log()));
                        }
                    }
                    if (!processes.get(0).isAlive()) {
                        throw new IllegalStateException("jobmanager exited; log:\n" + tail(processes.get(0).log()));
                    }
                    return registeredTaskManagers().containsAll(
                            taskManagers.stream().map(TaskManager::resourceId).toList());
                });
    }

    private List<String> registeredTaskManagers() throws IOException, InterruptedException {
        List<String> ids = new ArrayList<>();
        get("/taskmanagers").path("taskmanagers").forEach(tm -> ids.add(tm.path("id").asText()));
        return ids;
    }

    /** The TaskManagers running tasks of a job now (per vertex: {@code GET /jobs/{id}/vertices/{vid}/taskmanagers}). */
    List<TaskManager> taskManagersOf(String jobId) throws IOException, InterruptedException {
        List<String> busy = new ArrayList<>();
        for (JsonNode vertex : get("/jobs/" + jobId).path("vertices")) {
            get("/jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/taskmanagers").path("taskmanagers")
                    .forEach(tm -> busy.add(tm.path("taskmanager-id").asText()));
        }
        return taskManagers.stream().filter(tm -> busy.contains(tm.resourceId())).toList();
    }

    /**
     * {@code kill -9} of one TaskManager, then a new one started in its place (as a supervisor
     * would restart it): the cluster keeps its slot count, and the next kill again has a spare.
     */
    void killAndReplace(TaskManager victim) throws Exception {
        victim.jvm().kill();
        taskManagers.set(taskManagers.indexOf(victim), startTaskManager());
    }

    List<TaskManager> taskManagers() {
        return List.copyOf(taskManagers);
    }

    String restUrl() {
        return "http://127.0.0.1:" + restPort;
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(restUrl() + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IOException("GET " + path + " -> HTTP " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private JsonNode post(String path, Object request, Duration timeout) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(restUrl() + path))
                        .timeout(timeout)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IOException("POST " + path + " -> HTTP " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** {@code POST /jars/upload} (multipart, field jarfile); returns the jar id. */
    String uploadJar(Path jar) throws IOException, InterruptedException {
        String boundary = "txinsight-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(jar));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(restUrl() + "/jars/upload"))
                        .timeout(Duration.ofSeconds(60))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode answer = JSON.readTree(r.body());
        if (r.statusCode() != 200 || !"success".equals(answer.path("status").asText())) {
            throw new IOException("jar upload failed: HTTP " + r.statusCode() + " " + r.body());
        }
        return Path.of(answer.path("filename").asText()).getFileName().toString();
    }

    /** {@code POST /jars/{id}/run}; returns the job id. */
    String runJar(String jarId, List<String> programArgs) throws IOException, InterruptedException {
        return runJar(jarId, programArgs, null);
    }

    /** {@code POST /jars/{id}/run}, resuming from a savepoint when one is given; returns the job id. */
    String runJar(String jarId, List<String> programArgs, String savepointPath) throws IOException, InterruptedException {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("programArgsList", programArgs);
        if (savepointPath != null) {
            request.put("savepointPath", savepointPath);
        }
        return post("/jars/" + jarId + "/run", request, Duration.ofSeconds(120)).path("jobid").asText();
    }

    String jobState(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId).path("state").asText();
    }

    /** {@code GET /jobs/{id}/checkpoints} counts: completed, failed, restored, in_progress, total. */
    JsonNode checkpointCounts(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId + "/checkpoints").path("counts");
    }

    /** The id of the checkpoint the job last restored from, or -1. */
    long restoredCheckpoint(String jobId) throws IOException, InterruptedException {
        JsonNode restored = get("/jobs/" + jobId + "/checkpoints").path("latest").path("restored");
        return restored.isMissingNode() || restored.isNull() ? -1 : restored.path("id").asLong(-1);
    }

    /** When the job last switched to RESTARTING (epoch ms), or -1. */
    long lastRestartingAt(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId).path("timestamps").path("RESTARTING").asLong(-1);
    }

    /**
     * The newest checkpoint completed (last acknowledgement) at or before {@code ms}, from the
     * checkpoint history; -1 if the history holds none.
     */
    long latestCompletedAtOrBefore(String jobId, long ms) throws IOException, InterruptedException {
        long latest = -1;
        for (JsonNode c : get("/jobs/" + jobId + "/checkpoints").path("history")) {
            if ("COMPLETED".equals(c.path("status").asText()) && c.path("latest_ack_timestamp").asLong() <= ms) {
                latest = Math.max(latest, c.path("id").asLong());
            }
        }
        return latest;
    }

    /** When the newest completed checkpoint got its last acknowledgement (epoch ms), or -1. */
    long latestCompletedAt(String jobId) throws IOException, InterruptedException {
        JsonNode completed = get("/jobs/" + jobId + "/checkpoints").path("latest").path("completed");
        return completed.isMissingNode() || completed.isNull() ? -1 : completed.path("latest_ack_timestamp").asLong(-1);
    }

    /** How many times the job has restarted ({@code GET /jobs/{id}}'s numRestarts metric via the job details). */
    long restarts(String jobId) throws IOException, InterruptedException {
        JsonNode m = get("/jobs/" + jobId + "/metrics?get=numRestarts");
        return m.isArray() && m.size() > 0 ? m.get(0).path("value").asLong() : 0;
    }

    /**
     * {@code POST /jobs/{id}/stop} with a savepoint; waits for it and returns the savepoint's path.
     */
    String stopWithSavepoint(String jobId, Duration timeout) throws IOException, InterruptedException {
        String trigger = post("/jobs/" + jobId + "/stop", Map.of("drain", false), Duration.ofSeconds(30))
                .path("request-id").asText();
        String[] location = new String[1];
        Awaitility.await("savepoint of " + jobId).atMost(timeout).pollInterval(Duration.ofMillis(300))
                .ignoreExceptionsInstanceOf(IOException.class)
                .until(() -> {
                    JsonNode status = get("/jobs/" + jobId + "/savepoints/" + trigger);
                    if (!"COMPLETED".equals(status.path("status").path("id").asText())) {
                        return false;
                    }
                    JsonNode op = status.path("operation");
                    if (op.has("failure-cause")) {
                        throw new IllegalStateException("stop with savepoint failed: " + op.path("failure-cause"));
                    }
                    location[0] = op.path("location").asText();
                    return true;
                });
        return location[0];
    }

    /** {@code PATCH /jobs/{id}?mode=cancel}. */
    void cancel(String jobId) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(restUrl() + "/jobs/" + jobId + "?mode=cancel"))
                        .timeout(Duration.ofSeconds(30))
                        .method("PATCH", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IOException("cancel failed: HTTP " + r.statusCode() + " " + r.body());
        }
    }

    List<ChildJvm> processes() {
        return List.copyOf(processes);
    }

    String logs() {
        StringBuilder sb = new StringBuilder();
        for (ChildJvm p : processes) {
            sb.append("---- ").append(p.name()).append(" ----\n").append(tail(p.log()));
        }
        return sb.toString();
    }

    @Override
    public void close() {
        // TaskManagers first, so they do not spend their shutdown reconnecting to a gone JobManager.
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size())) + "\n";
        } catch (IOException e) {
            return "(no log: " + e + ")\n";
        }
    }

    /**
     * A port free now, below Linux's ephemeral range (32768-60999 by default). A port the kernel
     * hands out (port 0) is one an outgoing connection may take before the JVM we give it to has
     * bound it: a CI run lost the JobManager's REST port that way while the TaskManagers were
     * connecting.
     */
    static int freePort() throws IOException {
        for (int tries = 0; tries < 200; tries++) {
            int port = 20_000 + ThreadLocalRandom.current().nextInt(12_000);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // in use: try another
            }
        }
        throw new IOException("no free port between 20000 and 32000 after 200 tries");
    }
}
