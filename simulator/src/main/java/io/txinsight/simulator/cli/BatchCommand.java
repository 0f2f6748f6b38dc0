package io.txinsight.simulator.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;

@Command(
        name = "batch",
        sortOptions = false,
        abbreviateSynopsis = true,
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description = {
            "Generate --count transactions and publish them as fast as the producers allow, then flush."
                    + " Kafka transactions keep their boundaries and fates (a hang is simply aborted), so a"
                    + " read_committed reader still sees only the committed ones.",
            "Event times follow the model (start at the wall clock unless --start-time is given).",
            ""
        },
        footer = {
            "",
            "Example:",
            "  txinsight simulate batch -b localhost:9092 --count 1000000 --aborts 0.01"
        })
final class BatchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    ModelOptions model;

    @Override
    public Integer call() throws Exception {
        return PublishRun.run(model.resolve(true, null), kafka, false, spec.commandLine().getOut());
    }
}
