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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;

/**
 * A real Flink session cluster as an operator runs one: a JobManager
 * ({@code StandaloneSessionClusterEntrypoint}) and a TaskManager ({@code TaskManagerRunner}) as
 * separate JVMs on 127.0.0.1, started from the Maven jars, driven only through the REST API.
 */
final class FlinkSessionCluster implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path confDir;
    private final int restPort;
    private final int jmMetricsPort;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<ChildJvm> processes = new ArrayList<>();

    private FlinkSessionCluster(Path confDir, int restPort, int jmMetricsPort) {
        this.confDir = confDir;
        this.restPort = restPort;
        this.jmMetricsPort = jmMetricsPort;
    }

    static FlinkSessionCluster start(Path workDir, String flinkClasspath) throws Exception {
        Path conf = Files.createDirectories(workDir.resolve("conf"));
        int restPort = freePort();
        int rpcPort = freePort();
        int metricsPort = freePortPair();
        Files.writeString(conf.resolve("config.yaml"), String.join("\n",
                "jobmanager.rpc.address: 127.0.0.1",
                "jobmanager.rpc.port: " + rpcPort,
                "jobmanager.bind-host: 127.0.0.1",
                "taskmanager.bind-host: 127.0.0.1",
                "taskmanager.host: 127.0.0.1",
                "rest.address: 127.0.0.1",
                "rest.bind-address: 127.0.0.1",
                "rest.port: " + restPort,
                "jobmanager.memory.process.size: 1024m",
                "taskmanager.memory.process.size: 1400m",
                "taskmanager.numberOfTaskSlots: 2",
                "parallelism.default: 2",
                "io.tmp.dirs: " + Files.createDirectories(workDir.resolve("tmp")),
                "metrics.reporter.prom.factory.class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
                "metrics.reporter.prom.port: " + metricsPort + "-" + (metricsPort + 1),
                "metrics.reporter.prom.scope.variables.excludes: task_attempt_id;task_attempt_num;tm_id",
                ""));
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
        FlinkSessionCluster cluster = new FlinkSessionCluster(conf, restPort, metricsPort);
        try {
            List<String> logConf = List.of("-Dlog4j.configurationFile=" + conf.resolve("log4j.properties").toUri());
            List<String> jmJvm = new ArrayList<>(logConf);
            jmJvm.add("-Xmx512m");
            cluster.processes.add(ChildJvm.start("jobmanager", flinkClasspath, jmJvm,
                    "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                    List.of("--configDir", conf.toString()), workDir.resolve("jobmanager.log")));

            // The TaskManager's memory flags come from Flink itself, as bin/taskmanager.sh gets them.
            TmResources tm = TmResources.compute(flinkClasspath, conf, workDir);
            List<String> tmJvm = new ArrayList<>(logConf);
            tmJvm.addAll(tm.jvmArgs());
            List<String> tmArgs = new ArrayList<>(List.of("--configDir", conf.toString()));
            tmArgs.addAll(tm.dynamicConfig());
            cluster.processes.add(ChildJvm.start("taskmanager", flinkClasspath, tmJvm,
                    "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", tmArgs, workDir.resolve("taskmanager.log")));

            cluster.awaitReady(Duration.ofSeconds(90));
            return cluster;
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
    }

    private record TmResources(List<String> jvmArgs, List<String> dynamicConfig) {
        static TmResources compute(String classpath, Path conf, Path workDir) throws Exception {
            Path out = workDir.resolve("tm-resources.txt");
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", classpath, "org.apache.flink.runtime.util.bash.BashJavaUtils",
                    "GET_TM_RESOURCE_PARAMS", "--configDir", conf.toString()));
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
            if (results.size() < 2) {
                throw new IllegalStateException("unexpected BashJavaUtils output: " + Files.readString(out));
            }
            return new TmResources(Arrays.asList(results.get(0).split("\\s+")),
                    Arrays.asList(results.get(1).split("\\s+")));
        }
    }

    private void awaitReady(Duration timeout) {
        Awaitility.await("Flink session cluster with a free slot")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptionsInstanceOf(IOException.class)
                .until(() -> {
                    for (ChildJvm p : processes) {
                        if (!p.isAlive()) {
                            throw new IllegalStateException(p.name() + " exited; log:\n" + tail(p.log()));
                        }
                    }
                    JsonNode overview = get("/overview");
                    return overview.path("taskmanagers").asInt() >= 1 && overview.path("slots-available").asInt() >= 1;
                });
    }

    String restUrl() {
        return "http://127.0.0.1:" + restPort;
    }

    /** The TaskManager's Prometheus endpoint (the second port of the range; the JobManager took the first). */
    URI taskManagerMetrics() {
        return URI.create("http://127.0.0.1:" + (jmMetricsPort + 1) + "/metrics");
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(restUrl() + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IOException("GET " + path + " -> HTTP " + r.statusCode() + ": " + r.body());
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
        String request = JSON.writeValueAsString(Map.of("programArgsList", programArgs));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(restUrl() + "/jars/" + jarId + "/run"))
                        .timeout(Duration.ofSeconds(120))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(request)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("job submission failed: HTTP " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body()).path("jobid").asText();
    }

    String jobState(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId).path("state").asText();
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
        return processes;
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
        // TaskManager first, so it does not spend its shutdown reconnecting to a gone JobManager.
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

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static int freePortPair() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int p = freePort();
            if (p < 65535) {
                try (ServerSocket next = new ServerSocket(p + 1, 1, InetAddress.getByName("127.0.0.1"))) {
                    return p;
                } catch (IOException taken) {
                    // try another pair
                }
            }
        }
        throw new IOException("no two consecutive free ports");
    }
}
