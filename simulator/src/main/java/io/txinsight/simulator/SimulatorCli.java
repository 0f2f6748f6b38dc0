package io.txinsight.simulator;

import io.txinsight.simulator.cli.Commands;
import picocli.CommandLine;

/** {@code txinsight simulate}: the simulator's command line. */
public final class SimulatorCli {

    private SimulatorCli() {}

    public static void main(String[] args) {
        System.exit(Commands.commandLine().execute(args));
    }
}
