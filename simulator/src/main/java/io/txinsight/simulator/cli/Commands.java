package io.txinsight.simulator.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code simulate} command and its subcommands, with errors that say what to change. */
@Command(
        name = "txinsight simulate",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        version = "txinsight simulator 0.1.0",
        description = {
            "Generate realistic business-transaction workloads on Kafka, with the ground truth of what a"
                    + " tracker must conclude about each transaction.",
            ""
        },
        subcommands = {
            GenerateCommand.class,
            StreamCommand.class,
            BatchCommand.class,
            PresetsCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = {
            "",
            "Modes:",
            "  generate  write a scenario to files; replay it with 'txinsight replay'",
            "  stream    publish live, at a target rate, for a duration or count",
            "  batch     publish N transactions as fast as possible, then flush",
            "Run 'txinsight simulate <command> --help' for the options of each."
        })
public final class Commands implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: generate, stream, batch or presets");
    }

    /** The configured command line; {@code execute} returns 0, 1 on a failed run, 2 on bad usage. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Commands());
        cl.setParameterExceptionHandler(Commands::usageError);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            if (e instanceof IllegalArgumentException) {
                // Impossible parameters: the message names each option and what to do.
                err.println(cmd.getCommandName() + ": " + e.getMessage().replace("\n", "\n" + cmd.getCommandName() + ": "));
                err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
                return 2;
            }
            err.println(cmd.getCommandName() + ": failed: " + e);
            return 1;
        });
        return cl;
    }

    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(cmd.getCommandName() + ": " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
        return 2;
    }
}
