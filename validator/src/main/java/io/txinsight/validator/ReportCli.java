package io.txinsight.validator;

import io.txinsight.events.ScenarioCodec;
import io.txinsight.events.ScenarioFormatException;
import io.txinsight.events.ScenarioReader;
import io.txinsight.events.ScenarioRecord;
import io.txinsight.events.Truth;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code txinsight report}: a self-contained HTML report of an events file. */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        version = "txinsight report 0.1.0",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Renders report.html for an events.jsonl file: histograms of transaction duration (overall "
                    + "and per type), step durations and gaps between steps, events per second over time, "
                    + "the outcome breakdown, and a table of counts and p50/p90/p99/max. The page is "
                    + "self-contained (inline SVG charts, no script, no network), so it can be mailed or "
                    + "attached to a CI run.",
            "",
            "When a truth.json (from the simulate command) or a validation.json (from the validate "
                    + "command) sits beside the file, the report shows the expected verdicts and the "
                    + "validation too. It looks in the --out directory, the file's directory, its report/ "
                    + "subdirectory and ../report/.",
            "",
            "The file is streamed: memory holds the transactions in flight, not the file.",
            ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:report written", "2:could not read the events file (the message names file:line:field)"},
        footerHeading = "%nExamples:%n",
        footer = {
            "  ./txinsight report --file scenarios/01_high_throughput/events.jsonl",
            "      (writes scenarios/01_high_throughput/report/report.html)",
            "  ./txinsight report --file /tmp/run/events.jsonl --out /tmp/run-report"
        })
public final class ReportCli implements Callable<Integer> {

    static final String REPORT_FILE = "report.html";
    static final String TRUTH_FILE = "truth.json";

    @Spec
    CommandSpec spec;

    @Option(names = "--file", required = true, paramLabel = "EVENTS.JSONL",
            description = "The events file: one scenario record per line, as the simulate command writes it.")
    Path file;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Where to write report.html (default: a report/ directory beside the file).")
    Path out;

    @Option(names = "--truth", paramLabel = "FILE",
            description = "The truth.json to show (default: found beside the file, see above).")
    Path truth;

    @Option(names = "--validation", paramLabel = "FILE",
            description = "The validation.json to show (default: found beside the file, see above).")
    Path validation;

    /** What was written. */
    public record Rendered(Path report, long bytes, long records, long transactions, Path truth, Path validation,
            long millis) {}

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        if (!Files.isRegularFile(file)) {
            stderr.println("report: no events file at " + file + "; pass --file path/to/events.jsonl "
                    + "(./txinsight simulate writes one).");
            return 2;
        }
        Rendered r;
        try {
            r = render(file, out, truth, validation, stderr);
        } catch (ScenarioFormatException e) {
            stderr.println("report: " + e.getMessage());
            stderr.println("Fix or remove that line; a deliberately malformed record belongs in a 'raw' field.");
            return 2;
        }
        stdout.printf(Locale.ROOT, "Wrote %s (%,d KB) from %,d records, %,d transactions in %.1f s%n",
                r.report(), (r.bytes() + 1023) / 1024, r.records(), r.transactions(), r.millis() / 1000.0);
        if (r.truth() != null) {
            stdout.println("  with the truth of " + r.truth());
        }
        if (r.validation() != null) {
            stdout.println("  with the validation of " + r.validation());
        }
        stdout.flush();
        return 0;
    }

    /**
     * Reads the events file and writes the report.
     *
     * @param outDir null for a report/ directory beside the file
     * @param truthFile null to look for one beside the file
     * @param validationFile null to look for one beside the file
     * @param warnings receives a line for a truth or validation file that cannot be read
     */
    public static Rendered render(Path eventsFile, Path outDir, Path truthFile, Path validationFile, PrintWriter warnings)
            throws IOException, ScenarioFormatException {
        System.setProperty("java.awt.headless", "true");
        long start = System.nanoTime();
        Path dir = eventsFile.toAbsolutePath().getParent();
        Path target = outDir != null ? outDir : dir.resolve("report");

        EventStatistics stats = new EventStatistics();
        try (ScenarioReader reader = new ScenarioReader(eventsFile, new ScenarioCodec())) {
            ScenarioRecord record;
            while ((record = reader.next()) != null) {
                stats.accept(record);
            }
        }
        stats.finish();

        Attachment<Truth> truth = attach(truthFile != null ? truthFile : beside(dir, target, TRUTH_FILE), "truth",
                Truth::read, t -> t.transactions() != null, "it lists no transactions", warnings);
        Attachment<ValidationFile> validation = attach(
                validationFile != null ? validationFile : beside(dir, target, ValidationFile.FILE_NAME), "validation",
                ValidationFile::read, v -> v.validation() != null, "it holds no validation", warnings);

        String html = new ReportPage().render(stats, new ReportPage.Context(
                eventsFile.toString(),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                truth.content(), truth.shownPath(), validation.content(), validation.shownPath()));
        Files.createDirectories(target);
        Path report = target.resolve(REPORT_FILE);
        byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
        Files.write(report, bytes);
        return new Rendered(report, bytes.length, stats.records(), stats.transactions(), truth.path(), validation.path(),
                (System.nanoTime() - start) / 1_000_000);
    }

    /** A file the report shows beside the events (truth, validation), or nothing: both null. */
    private record Attachment<T>(Path path, T content) {
        String shownPath() {
            return path == null ? null : path.toString();
        }
    }

    /** Reads {@code path} (null: there is none) as a {@code what} file; one that cannot be read is left out with a warning. */
    private static <T> Attachment<T> attach(Path path, String what, Format<T> format, Predicate<T> complete,
            String incomplete, PrintWriter warnings) {
        if (path == null) {
            return new Attachment<>(null, null);
        }
        try {
            T content = format.read(path);
            if (!complete.test(content)) {
                throw new IOException(incomplete);
            }
            return new Attachment<>(path, content);
        } catch (IOException e) {
            warnings.println("report: leaving out the " + what + ": " + path + " is not a " + what + " file: " + e.getMessage());
            return new Attachment<>(null, null);
        }
    }

    @FunctionalInterface
    private interface Format<T> {
        T read(Path file) throws IOException;
    }

    /** The first of the usual places that holds {@code name}, or null. */
    static Path beside(Path eventsDir, Path outDir, String name) {
        Set<Path> candidates = new LinkedHashSet<>();
        for (Path p : List.of(
                outDir.resolve(name),
                eventsDir.resolve(name),
                eventsDir.resolve("report").resolve(name),
                eventsDir.resolve("..").resolve("report").resolve(name))) {
            candidates.add(p.toAbsolutePath().normalize());
        }
        Path cwd = Path.of("").toAbsolutePath();
        // Shown in the page and on the terminal: relative to where the command ran reads best.
        return candidates.stream().filter(Files::isRegularFile).findFirst()
                .map(p -> p.startsWith(cwd) ? cwd.relativize(p) : p)
                .orElse(null);
    }

    public static void main(String[] args) {
        CommandLine cmd = new CommandLine(new ReportCli());
        cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("report: " + e);
            return 2;
        });
        System.exit(cmd.execute(args));
    }
}
