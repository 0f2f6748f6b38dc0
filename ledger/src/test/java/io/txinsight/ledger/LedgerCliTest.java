package io.txinsight.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.txinsight.events.CloseStatus;
import io.txinsight.events.Outcome;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code ledger} command against a real PostgreSQL holding a few rows. */
class LedgerCliTest {
    /** 2026-11-21T18:09:14.123Z */
    private static final long T0 = 1_795_284_554_123L;

    static ThrowawayPostgres postgres;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        postgres = ThrowawayPostgres.start();
    }

    @AfterAll
    static void stop() {
        if (postgres != null) {
            postgres.close();
        }
    }

    /** The uid of the ledger's datasource in monitoring/grafana/provisioning/datasources/ledger.yml. */
    private static final String LEDGER_DATASOURCE = "txinsight-ledger";

    record Run(int status, String out, String err) {}

    @Test
    void anEmptyLedgerSaysSoAndThenAnswersEveryQuestion() throws Exception {
        Run empty = ledger("latest");
        assertThat(empty.status()).isZero();
        assertThat(empty.err()).contains("is empty");

        insertRows();

        Run latest = ledger("latest");
        assertThat(latest.status()).isZero();
        assertThat(latest.out().lines().count()).isEqualTo(3);
        assertThat(latest.out().lines().findFirst().orElseThrow())
                .startsWith("txn_id").contains("state", "duration_ms", "amount");
        assertThat(latest.out()).contains("TRF-2", "PAY-3").doesNotContain("PAY-1");

        JsonNode latestJson = json(ledger("latest", "--json"));
        assertThat(latestJson).hasSize(2);
        assertThat(latestJson.get(0).get("txn_id").asText()).isEqualTo("PAY-3");
        assertThat(latestJson.get(0).get("state").asText()).isEqualTo("aborted");

        Run txn = ledger("txn", "PAY-1");
        assertThat(txn.out()).contains("txn_id", "PAY-1", "closed", "success", "125.50", "EUR");
        JsonNode txnJson = json(ledger("txn", "PAY-1", "--json"));
        assertThat(txnJson.get("transactions")).hasSize(1);
        assertThat(txnJson.get("transactions").get(0).get("amount").decimalValue()).isEqualByComparingTo("125.50");

        JsonNode account = json(ledger("account", "ACC-01234", "--json"));
        assertThat(account).extracting(n -> n.get("txn_id").asText()).containsExactly("PAY-4", "PAY-3", "PAY-1");
        assertThat(account.get(0).get("state").asText()).as("in flight").isEqualTo("open");
        assertThat(account.get(0).get("decided_at").isNull()).isTrue();
        assertThat(account.get(2).get("merchant").asText()).isEqualTo("shop-1");
        assertThat(ledger("txn", "PAY-4").out()).contains("PAY-4", "open", "7.25");

        JsonNode payments = json(ledger("type", "payment", "--from", "2026-11-21", "--to", "2026-11-22", "--json"));
        assertThat(payments).extracting(n -> n.get("txn_id").asText()).containsExactly("PAY-1", "PAY-3");

        Run summary = ledger("summary", "--from", "2026-11-21", "--to", "2026-11-22");
        assertThat(summary.out()).contains("3 (1 went stuck)", "closed", "aborted", "EUR", "USD");
        JsonNode summaryJson = json(ledger("summary", "--from", "2026-11-21", "--to", "2026-11-22", "--json"));
        assertThat(summaryJson.get("total").asLong()).isEqualTo(3);
        assertThat(summaryJson.get("by_state").get("closed").asLong()).isEqualTo(2);
        assertThat(summaryJson.get("by_state").get("open").asLong()).as("opened in the range, in flight").isEqualTo(1);
        // durations 100, 300 (the aborted one has none): percentile_cont interpolates
        assertThat(summaryJson.get("p50_duration_ms").asDouble()).isEqualTo(200.0);
        assertThat(summaryJson.get("p99_duration_ms").asDouble()).isEqualTo(298.0);
        assertThat(summaryJson.get("amount_by_currency").get(0).get("amount").decimalValue())
                .isEqualByComparingTo("135.50");

        Run nothing = ledger("txn", "NOPE-1");
        assertThat(nothing.err()).contains("nothing matches");
    }

    /**
     * Grafana's Overview table of the latest trouble runs its SQL on the ledger: every panel of
     * the dashboards that reads the ledger's datasource, as the dashboard JSON has it, against
     * the real schema, answering what {@code ledger latest} answers.
     */
    @Test
    void theDashboardsLedgerPanelsAnswerFromTheLedger() throws Exception {
        insertRows();
        List<String> sqls = new ArrayList<>();
        for (String dashboard : List.of("overview.json", "transaction-type.json", "job-health.json")) {
            JsonNode d = new ObjectMapper().readTree(Path.of("..", "monitoring", "grafana", "dashboards", dashboard).toFile());
            for (JsonNode panel : d.get("panels")) {
                if (LEDGER_DATASOURCE.equals(panel.path("datasource").path("uid").asText())) {
                    panel.get("targets").forEach(t -> sqls.add(t.get("rawSql").asText()));
                }
            }
        }
        assertThat(sqls).as("the Overview's latest stuck and aborted transactions").hasSize(1);
        try (Connection c = postgres.connection().dataSource().getConnection();
                Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery(sqls.get(0))) {
            List<String> ids = new ArrayList<>();
            while (rs.next()) {
                ids.add(rs.getString("txn_id"));
            }
            assertThat(ids).containsExactly("PAY-3", "TRF-2");
        } finally {
            // the other tests start from an empty ledger, whatever their order
            try (Connection c = postgres.connection().dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("TRUNCATE transactions, alerts");
            }
        }
    }

    @Test
    void badCredentialsAndABadPortNameTheOptionToFix() throws Exception {
        Path wrong = dir.resolve("wrong-password");
        Files.writeString(wrong, "wrong-secret\n");
        Run refused = run("latest", "--url", postgres.jdbcUrl(), "--user", ThrowawayPostgres.USER,
                "--password-file", wrong.toString());
        assertThat(refused.status()).isEqualTo(LedgerCli.UNUSABLE);
        assertThat(refused.err()).contains("refused user 'ledger'", "--password-file").doesNotContain("wrong-secret");
        assertThat(refused.out()).isEmpty();

        Run unreachable = run("latest", "--url", "jdbc:postgresql://127.0.0.1:1/ledger?connectTimeout=5",
                "--password", "x");
        assertThat(unreachable.status()).isEqualTo(LedgerCli.UNUSABLE);
        assertThat(unreachable.err()).contains("cannot reach PostgreSQL", "--url");
    }

    private static void insertRows() throws Exception {
        LedgerSchema.migrate(postgres.connection());
        List<Outcome> outcomes = new ArrayList<>();
        outcomes.add(new Outcome("PAY-1", "payment", Outcome.State.CLOSED, CloseStatus.SUCCESS, T0, T0 + 100,
                100L, 5L, false, "settle", 3, false, T0 + 1_000));
        outcomes.add(new Outcome("TRF-2", "transfer", Outcome.State.CLOSED, CloseStatus.FAILED, T0 + 1, T0 + 301,
                300L, 7L, true, "reserve", 2, true, T0 + 2_000));
        outcomes.add(new Outcome("PAY-3", "payment", Outcome.State.ABORTED, null, T0 + 2, null,
                null, null, false, "validate", 1, false, T0 + 3_000));
        // Each row's two halves, in both orders: the open after the outcome (PAY-1), before it
        // (TRF-2, PAY-3), and an open whose outcome has not come yet (PAY-4, in flight).
        upsert(OpenUpsert.SQL, new OpenUpsert(), List.of(
                new TransactionOpen("TRF-2", T0 + 1, "transfer", "ACC-9", new BigDecimal("0.10"), "USD", "shop-2", "travel"),
                new TransactionOpen("PAY-3", T0 + 2, "payment", "ACC-01234", new BigDecimal("10.00"), "EUR", "shop-3", "food")));
        upsert(OutcomeUpsert.SQL, new OutcomeUpsert(), outcomes);
        upsert(OpenUpsert.SQL, new OpenUpsert(), List.of(
                new TransactionOpen("PAY-1", T0, "payment", "ACC-01234", new BigDecimal("125.50"), "EUR", "shop-1", "food"),
                new TransactionOpen("PAY-4", T0 + 3, "payment", "ACC-01234", new BigDecimal("7.25"), "EUR", "shop-4", "food")));
    }

    private static <T> void upsert(String sql, org.apache.flink.connector.jdbc.JdbcStatementBuilder<T> binder, List<T> rows)
            throws Exception {
        try (Connection c = postgres.connection().dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (T row : rows) {
                binder.accept(ps, row);
                ps.executeUpdate();
            }
        }
    }

    private static JsonNode json(Run run) throws Exception {
        assertThat(run.status()).as(run.err()).isZero();
        return new ObjectMapper().readTree(run.out());
    }

    private static Run ledger(String... args) throws Exception {
        Path file = dir.resolve("password");
        Files.writeString(file, postgres.connection().password() + "\n");
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", postgres.jdbcUrl(), "--user", ThrowawayPostgres.USER,
                "--password-file", file.toString()));
        return run(all.toArray(String[]::new));
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = new CommandLine(new LedgerCli())
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new Run(status, out.toString(), err.toString());
    }
}
