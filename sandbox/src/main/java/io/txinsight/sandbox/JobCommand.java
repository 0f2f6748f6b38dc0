package io.txinsight.sandbox;

import io.txinsight.events.KafkaAccessCheck;
import io.txinsight.job.JobConfig;
import io.txinsight.job.JobOptions;
import io.txinsight.job.TxInsightJob;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.core.execution.JobClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** {@code txinsight job}: the txinsight Flink job on a local Flink runtime, against any Kafka. */
@Command(
        name = "job",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the txinsight job on a local Flink runtime (web UI and Prometheus endpoint included)",
            "against any Kafka, until Ctrl-C. Every option not listed here goes to the job itself:",
            "see the job's options below (the same as for `flink run txinsight-job.jar`).",
            "Checkpoints are kept in --state-dir; started again with the same options, the job resumes",
            "from the latest one, also after a crash or kill -9."
        },
        footer = {"", "Example:", "  ./txinsight job --bootstrap-servers 127.0.0.1:9092 --topics txn-events --stuck-timeout 30s"})
public final class JobCommand implements Callable<Integer> {

    @Option(names = "--web-port", defaultValue = "8081", description = "Flink web UI and REST port (default: ${DEFAULT-VALUE}).")
    int webPort;

    @Option(names = "--metrics-port", defaultValue = "9249", description = "Prometheus endpoint port (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(names = "--summary-every", defaultValue = "5s", converter = JobOptions.DurationConverter.class,
            description = "How often to print the live summary; 0 for never (default: ${DEFAULT-VALUE}).")
    long summaryEveryMs;

    @Option(names = "--state-dir", paramLabel = "<dir>",
            description = "Where the job keeps its retained checkpoints and resumes from the latest one "
                    + "(default: ~/.txinsight/state/<job name>-<hash of the Kafka address, topics, groups and "
                    + "transactional id prefix>). Delete it, or name another, to start afresh.")
    Path stateDir;

    @Spec
    CommandSpec spec;

    @Unmatched
    List<String> jobArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        JobOptions options = JobOptions.parse(jobArgs.toArray(new String[0]));
        if (options.helpRequested()) {
            System.out.print(JobOptions.usage());
            return 0;
        }
        JobConfig config = options.config();
        PrintWriter err = spec.commandLine().getErr();
        KafkaAccessCheck.Access access;
        try {
            access = TxInsightJob.checkKafkaAccess(config);
        } catch (KafkaAccessCheck.AccessDeniedException e) {
            err.println("job: " + e.getMessage());
            err.flush();
            return 2;
        }
        access.notChecked().ifPresent(why ->
                err.println("job: did not check Kafka access: " + why + "; starting anyway, the job waits for Kafka."));
        StateDir state = stateDir != null ? new StateDir(stateDir) : StateDir.defaultFor(config);
        if (access.clusterId().isPresent()) {
            state.belongTo(access.clusterId().get()).ifPresent(System.out::println);
        }
        System.out.println(state.latestCheckpoint()
                .map(checkpoint -> "Resuming from the checkpoint " + checkpoint)
                .orElse("No checkpoint in " + state + ": starting afresh (--starting-offsets)."));
        System.out.println("Checkpoints are kept in " + state + "; started again with the same options, the job resumes"
                + " from the latest. Delete it (or give another --state-dir) to start afresh.");
        try (LocalStack stack = LocalStack.open("job", webPort, metricsPort)) {
            JobClient client = stack.startJob(config, state);
            System.out.println("txinsight job " + client.getJobID() + " is running: Flink web UI http://localhost:" + webPort
                    + ", metrics http://localhost:" + metricsPort + "/metrics. Ctrl-C stops it.");
            if (options.config().ledger() != null) {
                // The URL and user only: the password is never printed.
                System.out.println("It writes the ledger at " + options.config().ledger().url() + " as user "
                        + options.config().ledger().user() + ": ./txinsight ledger latest --url "
                        + options.config().ledger().url() + " --user " + options.config().ledger().user()
                        + " --password-file <file>");
            }
            if (stack.printSummaryUntil(summaryEveryMs, () -> false) == LocalStack.Ending.JOB_ENDED) {
                System.out.println("the job ended: " + stack.jobStatus());
                return 1;
            }
            return 0;
        }
    }

    public static void main(String[] args) {
        System.exit(Sandbox.commandLine(new JobCommand()).execute(args));
    }
}
