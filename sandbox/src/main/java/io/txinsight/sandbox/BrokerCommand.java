package io.txinsight.sandbox;

import io.txinsight.broker.EmbeddedKafkaBroker;
import io.txinsight.job.JobConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code txinsight broker}: a local single-node Kafka for development, until Ctrl-C. */
@Command(
        name = "broker",
        mixinStandardHelpOptions = true,
        description = {
            "Runs a local single-node Kafka (KRaft, broker and controller in one JVM) on 127.0.0.1,",
            "creates the txinsight topics, prints the bootstrap address and runs until Ctrl-C.",
            "Its data lives in a temporary directory that is deleted on exit, unless --data-dir",
            "names one to keep: a broker started again on it (same --port and --controller-port)",
            "comes back with its topics, offsets and open Kafka transactions."
        },
        footer = {"", "Example:", "  ./txinsight broker --port 9092", "  ./txinsight job --bootstrap-servers 127.0.0.1:9092"})
public final class BrokerCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "9092", description = "Client port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    /** Default: the topics the job reads and writes by default, as the demo creates them. */
    @Option(names = "--topics", split = ",",
            description = "Topics to create as name:partitions (default: ${DEFAULT-VALUE}).")
    List<String> topics;

    @Option(names = "--data-dir", paramLabel = "<dir>",
            description = "Keep the broker's data in this directory, across restarts (default: a temporary one, deleted on exit).")
    Path dataDir;

    @Option(names = "--controller-port", defaultValue = "0",
            description = "KRaft controller port on 127.0.0.1, fixed so a restart on --data-dir finds its quorum "
                    + "(default: any free port; required with --data-dir).")
    int controllerPort;

    @Override
    public Integer call() throws Exception {
        Ports.requireFree(port, "Kafka", "--port");
        List<TopicSpec> specs = TopicSpec.parseAll(topics);
        if (dataDir != null && (port == 0 || controllerPort == 0)) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--data-dir needs a fixed --port and --controller-port: a restart must be the same node");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        try (EmbeddedKafkaBroker kafka = dataDir == null
                ? EmbeddedKafkaBroker.start(port, Map.of())
                : EmbeddedKafkaBroker.startKept(port, controllerPort, dataDir)) {
            for (TopicSpec t : specs) {
                kafka.createTopic(t.name(), t.partitions());
            }
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "broker-ctrl-c"));
            System.out.println("Kafka is up: --bootstrap-servers " + kafka.bootstrapServers());
            System.out.println("Topics: " + String.join(", ", topics) + ". Ctrl-C stops it"
                    + (dataDir == null ? " and deletes its data." : "; its data stays in " + dataDir + "."));
            stopped.await();
        }
        return 0;
    }

    static CommandLine commandLine() {
        String defaultTopics = String.join(",",
                LocalStack.topics(JobConfig.DEFAULTS).stream().map(TopicSpec::toString).toList());
        return new CommandLine(new BrokerCommand()).setDefaultValueProvider(
                arg -> arg instanceof CommandLine.Model.OptionSpec o && o.longestName().equals("--topics")
                        ? defaultTopics : null);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
