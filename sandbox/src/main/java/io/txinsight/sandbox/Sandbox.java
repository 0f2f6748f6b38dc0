package io.txinsight.sandbox;

import picocli.CommandLine;

/** What the sandbox commands share: one way of reporting errors. */
final class Sandbox {

    private Sandbox() {}

    /**
     * A command line whose errors read as one sentence (what is wrong and what to do) rather than
     * a stack trace; the exit code is 2 for usage errors and 1 when running failed.
     */
    static CommandLine commandLine(Object command) {
        return commandLine(command, 1);
    }

    /** As {@link #commandLine(Object)}, with {@code failedExitCode} when running failed (for commands whose 1 means something else). */
    static CommandLine commandLine(Object command, int failedExitCode) {
        CommandLine cli = new CommandLine(command);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("txinsight " + commandLine.getCommandName() + ": " + rootMessage(e));
            return e instanceof IllegalArgumentException ? 2 : failedExitCode;
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
}
