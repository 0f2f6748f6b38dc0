package io.txinsight.simulator.cli;

import io.txinsight.simulator.Presets;
import io.txinsight.simulator.SimulationParams;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

@Command(
        name = "presets",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description = "List the named parameter sets (use one with --preset NAME; other options override it).")
final class PresetsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--params", description = "Also print every parameter of each preset.")
    boolean params;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (Presets.Preset p : Presets.all().values()) {
            String script = p.number() > 0 ? "scenarios/" + p.directoryName() + ".sh" : "(no script)";
            out.printf(Locale.ROOT, "%-28s alias %-11s %s%n", p.name(), p.alias(), script);
            out.println("    " + p.description());
            if (params) {
                SimulationParams sp = p.params();
                for (Map.Entry<String, Object> e : sp.toMap().entrySet()) {
                    out.println("      " + e.getKey() + " = " + e.getValue());
                }
            }
        }
        out.flush();
        return 0;
    }
}
