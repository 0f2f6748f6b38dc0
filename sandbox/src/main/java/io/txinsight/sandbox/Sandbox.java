package io.txinsight.sandbox;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import picocli.CommandLine;

/** What the sandbox commands share: clean shutdown and one way of reporting errors. */
final class Sandbox {

    private Sandbox() {}

    /**
     * A command line whose errors read as one sentence (what is wrong and what to do) rather than
     * a stack trace; the exit code is 2 for usage errors and 1 when running failed.
     */
    static CommandLine commandLine(Object command) {
        CommandLine cli = new CommandLine(command);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("txinsight " + commandLine.getCommandName() + ": " + rootMessage(e));
            return e instanceof IllegalArgumentException ? 2 : 1;
        });
        return cli;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && (t.getMessage() == null || t instanceof java.util.concurrent.ExecutionException)) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /**
     * Cancels the job and waits until the local cluster behind it has let go of its web port, so
     * a following start (or the caller's "nothing left behind" promise) does not race it.
     */
    static void cancel(JobClient client, int webPort) {
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

    static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e.getMessage());
        }
    }
}
