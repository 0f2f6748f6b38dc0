package io.txinsight.simulator.cli;

import io.txinsight.simulator.SimulationParams;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "stream",
        sortOptions = false,
        abbreviateSynopsis = true,
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description = {
            "Publish a workload straight to Kafka as it is generated, in real time: each record at its"
                    + " scenario time after the start, inside its Kafka transaction, which then commits, aborts"
                    + " or hangs as the model says. Event times are the wall clock.",
            "Runs for --count transactions or --duration; prints achieved versus target rate.",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  txinsight simulate stream -b localhost:9092 --duration 10m \\",
            "      --event-rate 5000 --aborts 0.02",
            "  txinsight simulate stream -b localhost:9092 --preset stuck \\",
            "      --out /tmp/live        # also keeps events.jsonl and the truth"
        })
final class StreamCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--event-rate", paramLabel = "PER_SEC",
            description = "Target records per second instead of --rate (turned into an arrival rate with the"
                    + " model's average records per transaction).")
    Double eventRate;

    @Mixin
    ModelOptions model;

    @Override
    public Integer call() throws Exception {
        Double rate = null;
        if (eventRate != null) {
            if (model.rate != null) {
                throw new IllegalArgumentException("--event-rate and --rate are both given; give one of them");
            }
            if (!(eventRate > 0)) {
                throw new IllegalArgumentException("--event-rate is " + eventRate + "; it must be a positive number of records per second");
            }
            SimulationParams probe = model.resolve(true, null);
            rate = eventRate / probe.expectedRecordsPerTransaction();
        }
        SimulationParams params = model.resolve(true, rate);
        return PublishRun.run(params, kafka, true, spec.commandLine().getOut());
    }
}
