package io.txinsight.validator;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.events.Outcome;
import io.txinsight.events.Verdict;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ReportCommandTest {

    private record Run(int exitCode, String out, String err) {}

    private static Run report(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new ReportCli());
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** A scenario laid out as the scenario scripts do, validated with one transaction lost. */
    static SampleScenario.Written validatedScenario(Path dir, int transactions) throws Exception {
        SampleScenario.Written scenario = SampleScenario.write(dir, transactions, 21);
        List<Outcome> outcomes = new ArrayList<>(scenario.perfectOutcomes());
        outcomes.remove(0);
        Validation v = Validation.compare(scenario.truth(), outcomes, List.of());
        new ValidationFile(dir.toString(), "2027-01-01T00:00:00Z",
                new ValidationFile.Source("localhost:9092", "txn-outcomes", "txn-alerts", outcomes.size(), 0, 0,
                        List.of(), false, List.of(), 120_000),
                v).write(dir.resolve("report").resolve(ValidationFile.FILE_NAME));
        return scenario;
    }

    @Test
    void theReportHoldsEveryChartAndTheStatisticsTable(@TempDir Path dir) throws Exception {
        SampleScenario.Written scenario = validatedScenario(dir.resolve("04_sample"), 400);

        Run run = report("--file", scenario.events().toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        Path html = scenario.dir().resolve("report").resolve("report.html");
        assertThat(run.out()).contains("Wrote " + html, "400 transactions", "with the truth of", "with the validation of");
        String page = Files.readString(html, StandardCharsets.UTF_8);

        for (String id : List.of("chart-events-per-second", "chart-outcomes", "chart-duration",
                "chart-duration-type-payment", "chart-duration-type-transfer", "chart-duration-type-order",
                "chart-step-validate", "chart-step-debit", "chart-step-reserve", "chart-step-ship", "chart-gaps",
                "chart-verdicts")) {
            assertThat(figure(page, id)).as(id).contains("<svg", "</svg>", "<rect", "<text");
        }
        assertThat(count(page, "<figure class=\"chart\"")).isEqualTo(count(page, "<svg "));

        long closed = scenario.truth().transactions().stream()
                .filter(t -> t.verdict() == Verdict.CLOSED_SUCCESS || t.verdict() == Verdict.CLOSED_FAILED).count();
        String stats = table(page, "summary-stats");
        assertThat(stats).contains("<th>p50</th>", "<th>p90</th>", "<th>p99</th>", "<th>max</th>",
                "<td>transaction duration, all types</td><td>" + ReportPage.num(closed) + "</td>",
                "duration: payment", "step: validate", "gap between steps");
        assertThat(table(page, "summary-counts")).contains("<td>records</td><td>" + ReportPage.num(scenario.records()));
        assertThat(table(page, "truth-verdicts")).contains("payment", "transfer", "order");
        assertThat(table(page, "validation-mismatches")).contains(scenario.truth().transactions().get(0).txnId(),
                "missing");
        assertThat(page).contains("badge fail\">FAILED", "399 of 400 transactions");

        // Self-contained: nothing to fetch, nothing to run.
        assertThat(page).doesNotContain("<script", "<link", "@import", "<img", "<iframe");
        assertThat(page).doesNotContainPattern("(src|href)\\s*=\\s*[\"']?(https?:)?//");
        assertThat(page).doesNotContainPattern("url\\(\\s*[\"']?(https?:)?//");
    }

    @Test
    void theOutDirectoryAndAReportWithoutTruthWork(@TempDir Path dir) throws Exception {
        SampleScenario.Written scenario = SampleScenario.write(dir.resolve("in"), 50, 5);
        Files.delete(scenario.dir().resolve("report").resolve("truth.json"));
        Path out = dir.resolve("elsewhere");

        Run run = report("--file", scenario.events().toString(), "--out", out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        String page = Files.readString(out.resolve("report.html"));
        assertThat(page).contains("id=\"chart-duration\"", "id=\"summary-stats\"")
                .doesNotContain("id=\"chart-verdicts\"", "id=\"truth-verdicts\"");
        assertThat(run.out()).doesNotContain("with the truth");
    }

    @Test
    void aBrokenLineIsNamedByFileAndLine(@TempDir Path dir) throws Exception {
        Path events = dir.resolve("events.jsonl");
        Files.writeString(events, String.join("\n",
                "{\"at_ms\":0,\"topic\":\"t\",\"key\":\"a\",\"event\":{\"event_type\":\"transaction_open\","
                        + "\"txn_id\":\"a\",\"ts\":\"2027-01-01T00:00:00.000Z\"}}",
                "",
                "{\"at_ms\":5,\"topic\":\"t\",\"key\":\"a\",\"event\":"));

        Run run = report("--file", events.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(events + ":3:", "not valid JSON", "'raw'");
        assertThat(Files.exists(dir.resolve("report").resolve("report.html"))).isFalse();
    }

    @Test
    void aMissingFileSaysWhatToPass(@TempDir Path dir) {
        Run run = report("--file", dir.resolve("nope.jsonl").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("no events file at", "--file");
    }

    private static String figure(String page, String id) {
        Matcher m = Pattern.compile("<figure class=\"chart\" id=\"" + Pattern.quote(id) + "\">(.*?)</figure>",
                Pattern.DOTALL).matcher(page);
        assertThat(m.find()).as("figure " + id + " is in the page").isTrue();
        return m.group(1);
    }

    private static String table(String page, String id) {
        Matcher m = Pattern.compile("<table id=\"" + Pattern.quote(id) + "\">(.*?)</table>", Pattern.DOTALL).matcher(page);
        assertThat(m.find()).as("table " + id + " is in the page").isTrue();
        return m.group(1);
    }

    private static int count(String page, String needle) {
        int n = 0;
        for (int i = page.indexOf(needle); i >= 0; i = page.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
