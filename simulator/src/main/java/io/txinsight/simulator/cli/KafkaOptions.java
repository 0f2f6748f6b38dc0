package io.txinsight.simulator.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where stream and batch mode publish, and where they may record what they published. */
final class KafkaOptions {

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT", required = true,
            description = "The Kafka cluster to publish to.")
    String bootstrapServers;

    @Option(names = "--transactional-id-prefix", paramLabel = "TEXT", defaultValue = "txinsight-sim-",
            description = "Each producer's transactional.id is this plus its id (p0, p1, ...). Default: ${DEFAULT-VALUE}."
                    + " Two runs at once need different prefixes, or they fence each other.")
    String transactionalIdPrefix;

    @Option(names = {"-X", "--kafka-property"}, paramLabel = "KEY=VALUE",
            description = "A producer property passed through, e.g. security.protocol=SASL_SSL (repeatable).")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Option(names = "--out", paramLabel = "DIR",
            description = "Also write what was published: DIR/events.jsonl and DIR/report/truth.json"
                    + " (event times are real, from the start of the run).")
    Path out;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;
}
