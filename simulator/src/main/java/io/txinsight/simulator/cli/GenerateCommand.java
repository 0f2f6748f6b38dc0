package io.txinsight.simulator.cli;

import io.txinsight.simulator.Scenario;
import io.txinsight.simulator.SimulationParams;
import io.txinsight.simulator.Simulator;
import io.txinsight.simulator.Workload;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "generate",
        sortOptions = false,
        abbreviateSynopsis = true,
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description = {
            "Write a scenario: DIR/events.jsonl (every Kafka record, when to publish it, and in which Kafka"
                    + " transaction) and DIR/report/truth.json (what the job must conclude about every"
                    + " business transaction).",
            "Same seed and options give byte-identical files: generate once, replay as often as needed.",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  txinsight simulate generate --preset stuck \\",
            "      --out scenarios/02_stuck_transactions",
            "  txinsight simulate generate --count 5000 --duration 60s \\",
            "      --outliers 0.02 --aborts 0.05 --out /tmp/s1",
            "  txinsight replay --file /tmp/s1/events.jsonl \\",
            "      --bootstrap-servers localhost:9092"
        })
final class GenerateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "The scenario directory to write (created if missing; its files are replaced).")
    Path out;

    @Option(names = "--quiet", description = "No progress bar and no summary.")
    boolean quiet;

    @Mixin
    ModelOptions model;

    @Override
    public Integer call() throws Exception {
        SimulationParams params = model.resolve(false, null);
        long expected = new Workload(params).expectedTransactions();
        long t0 = System.nanoTime();
        Scenario scenario;
        try (Progress progress = Progress.of("generate", expected, !quiet && expected >= 20_000)) {
            scenario = Simulator.generate(params, out, progress);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (!quiet) {
            PrintWriter out = spec.commandLine().getOut();
            Summary.printScenario(out, params, scenario.truth(), seconds);
            out.println("  events: " + scenario.eventsFile());
            out.println("  truth:  " + scenario.truthFile());
            out.println("Replay it with: txinsight replay --file " + scenario.eventsFile()
                    + " --bootstrap-servers localhost:9092");
            out.flush();
        }
        return 0;
    }
}
