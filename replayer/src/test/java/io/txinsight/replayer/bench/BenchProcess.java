package io.txinsight.replayer.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs a Java main class in a separate JVM (same flags for every contender) and captures its output. */
final class BenchProcess {

    static final String JVM_HEAP = "-Xmx1g";

    private BenchProcess() {}

    record Result(int exitCode, String stdout, String stderr, double wallSeconds, List<String> command) {
        double number(Pattern p, String what) {
            Matcher m = p.matcher(stdout);
            double last = Double.NaN;
            while (m.find()) {
                last = Double.parseDouble(m.group(1).replace(",", ""));
            }
            if (Double.isNaN(last)) {
                throw new IllegalStateException("no " + what + " in the output of " + String.join(" ", command)
                        + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr);
            }
            return last;
        }
    }

    static Result run(String classpath, String mainClass, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add(JVM_HEAP);
        for (String opt : System.getProperty("bench.jvmOptions", "").trim().split("\\s+")) {
            if (!opt.isEmpty()) {
                cmd.add(opt);
            }
        }
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(args);
        Path out = Files.createTempFile("bench-out", ".txt");
        Path err = Files.createTempFile("bench-err", ".txt");
        try {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(30, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", cmd));
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8), wall, cmd);
            if (r.exitCode() != 0) {
                throw new IllegalStateException("exit " + r.exitCode() + ": " + display(cmd)
                        + "\n--- stdout\n" + r.stdout() + "\n--- stderr\n" + r.stderr());
            }
            return r;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** The command without the long class path, for printing. */
    static String display(List<String> cmd) {
        List<String> shown = new ArrayList<>(cmd);
        int cp = shown.indexOf("-cp");
        if (cp >= 0 && cp + 1 < shown.size()) {
            shown.set(cp + 1, "<classpath>");
        }
        shown.set(0, "java");
        return String.join(" ", shown);
    }

    /** The machine's 1-minute load average (other work competing for the same cores), or "?" off Linux. */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    static String require(String property) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set; run the bench through its bench/*.sh script");
        }
        return v;
    }
}
