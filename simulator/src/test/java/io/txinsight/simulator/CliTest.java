package io.txinsight.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.events.Truth;
import io.txinsight.simulator.cli.Commands;
import io.txinsight.simulator.cli.ModelOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** The command line: it teaches, it refuses impossible parameters with a useful message, it works. */
class CliTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Commands.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private int generate(String... extra) {
        List<String> args = new ArrayList<>(List.of("generate", "--quiet", "--out", dir.resolve("s").toString()));
        args.addAll(List.of(extra));
        return run(args.toArray(String[]::new));
    }

    /** Parameters that cannot work: exit status 2, a message that names the option and what to do, no files. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("impossibleParameters")
    void impossibleParametersAreRefusedWithWhatToDo(List<String> args, List<String> says) {
        assertThat(generate(args.toArray(String[]::new))).isEqualTo(2);
        assertThat(err.toString()).contains(says);
        assertThat(Files.exists(dir.resolve("s"))).isFalse();
    }

    static Stream<Arguments> impossibleParameters() {
        return Stream.of(
                refused(List.of("--rate", "-3"), "--rate is -3.0; it must be a positive number of transactions per second"),
                refused(List.of("--failed", "1.5", "--aborts", "-0.1"),
                        "--failed is 1.5; a share is a probability between 0 and 1",
                        "--aborts is -0.1; a share is a probability between 0 and 1"),
                refused(List.of("--stuck-timeout", "0s"), "--stuck-timeout is 0 ms; it must be positive"),
                refused(List.of("--stuck", "0.1", "--count", "100", "--rate", "50"),
                        "--stuck: stuck transactions need at least", "raise --count or --duration"),
                refused(List.of("--preset", "stuck", "--outliers", "0.6", "--stuck", "0.5"), "their sum must be at most 1"),
                refused(List.of("--preset", "hanging", "--producers", "1"), "--hangs needs --producers of at least 2"),
                refused(List.of("--count", "10", "--duration", "10s", "--rate", "5"), "give at most two"),
                refused(List.of("--duration", "5x"),
                        "'5x' is not a duration; write a number and a unit: 500ms, 10s, 5m, 1h, 2d"),
                // One rule on every command: a number without a unit is a question, not milliseconds.
                refused(List.of("--abort-grace", "750"), "'750' is not a duration (a unit is required: 750s or 750ms?)"),
                refused(List.of("--type-mix", "payment=1,lottery=2"), "unknown type 'lottery'", "payment, transfer"),
                refused(List.of("--preset", "nope"), "unknown preset 'nope'; known presets: high_throughput"),
                refused(List.of("--start-time", "2026-01-01 00:00"), "not an ISO-8601 time with a zone"));
    }

    private static Arguments refused(List<String> args, String... says) {
        return Arguments.of(args, List.of(says));
    }

    @Test
    void missingOutIsAUsageError() {
        assertThat(run("generate")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required option: '--out=DIR'");
    }

    @Test
    void helpExplainsEveryOption() throws Exception {
        assertThat(run("generate", "--help")).isZero();
        String help = out.toString();
        for (Field f : ModelOptions.class.getDeclaredFields()) {
            CommandLine.Option o = f.getAnnotation(CommandLine.Option.class);
            if (o != null) {
                assertThat(help).contains(o.names()[0]);
                assertThat(o.description()).isNotEmpty();
            }
        }
        out.getBuffer().setLength(0);
        assertThat(run("stream", "--help")).isZero();
        assertThat(out.toString()).contains("--bootstrap-servers", "--event-rate", "--transactional-id-prefix", "--preset");
    }

    @Test
    void presetsAreListed() {
        assertThat(run("presets")).isZero();
        for (Presets.Preset p : Presets.all().values()) {
            assertThat(out.toString()).contains(p.name(), p.alias(), p.description());
        }
        assertThat(out.toString()).contains("scenarios/02_stuck_transactions.sh");
    }

    @Test
    void generateWritesWhatTheApiWrites() throws Exception {
        assertThat(run("generate", "--preset", "aborted", "--out", dir.resolve("cli").toString())).isZero();
        Scenario api = Simulator.generate(Presets.named("aborted_kafka_transactions"), dir.resolve("api"));

        assertThat(Files.mismatch(dir.resolve("cli/events.jsonl"), api.eventsFile())).isEqualTo(-1L);
        assertThat(Files.mismatch(dir.resolve("cli/report/truth.json"), api.truthFile())).isEqualTo(-1L);
        assertThat(out.toString()).contains("Scenario 'aborted_kafka_transactions' (seed 3): 1,500 transactions")
                .contains("truth: closed_success");
    }

    @Test
    void optionsOverrideThePreset() throws Exception {
        assertThat(generate("--preset", "velocity", "--seed", "9", "--duration", "60s", "--aborts", "0.05")).isZero();
        SimulationParams preset = Presets.named("velocity");
        var params = Truth.read(dir.resolve("s/report/truth.json")).params();
        assertThat(params).containsEntry("seed", 9).containsEntry("id_prefix", "s9-")
                .containsEntry("duration_ms", 60_000).containsEntry("count", 0)
                .containsEntry("abort_share", 0.05).containsEntry("burst_size", preset.burstSize());
        // Only the duration was given: the preset's rate stays (1,500 over 30 s = 50/s).
        assertThat((Double) params.get("rate")).isEqualTo(50.0);
    }

    @Test
    void countAloneKeepsThePresetsRate() {
        ModelOptions model = new ModelOptions();
        new CommandLine(model).parseArgs("--preset", "stuck", "--count", "2400");
        SimulationParams p = model.resolve(false, null);
        assertThat(p.count()).isEqualTo(2400);
        assertThat(p.spanMs()).isEqualTo(80_000); // 1,200 over 40 s is 30/s
    }

    @Test
    void durationsReadUnits() {
        ModelOptions model = new ModelOptions();
        new CommandLine(model).parseArgs("--stuck-timeout", "1.5m", "--abort-grace", "750ms", "--hang-for", "PT20S",
                "--burst-window", "2s", "--kafka-txn-span", "250ms");
        SimulationParams p = model.resolve(false, null);
        assertThat(p.stuckTimeoutMs()).isEqualTo(90_000);
        assertThat(p.abortGraceMs()).isEqualTo(750);
        assertThat(p.hangMs()).isEqualTo(20_000);
        assertThat(p.burstWindowMs()).isEqualTo(2_000);
        assertThat(p.kafkaTxnMs()).isEqualTo(250);
    }
}
