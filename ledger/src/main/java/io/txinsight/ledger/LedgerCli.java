package io.txinsight.ledger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ./txinsight ledger}: what the job wrote to PostgreSQL, as tables or JSON. */
@Command(name = "ledger", mixinStandardHelpOptions = true,
        description = "Query the ledger of business transactions the job writes to PostgreSQL.%n"
                + "Every command first brings the schema up to date (Flyway; a no-op when it is).",
        subcommands = {LedgerCli.Latest.class, LedgerCli.Txn.class, LedgerCli.Account.class,
                LedgerCli.ByType.class, LedgerCli.Summary.class, LedgerCli.Migrate.class})
public final class LedgerCli implements Runnable {
    /** Exit status when the database cannot be used (unreachable, refused, no such database). */
    static final int UNUSABLE = 3;
    private static final List<String> LIST_COLUMNS = List.of("txn_id", "txn_type", "state", "result", "opened_at",
            "duration_ms", "was_stuck", "account", "amount", "currency", "decided_at");
    private static final List<String> ALERT_COLUMNS = List.of("alert", "raised_at", "last_event_at", "silent_ms",
            "last_step", "stuck_timeout_ms");

    @Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LedgerCli()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the ledger is and how to print: every subcommand's options. */
    static final class Access {
        @Option(names = "--url", paramLabel = "JDBC_URL",
                defaultValue = "${env:TXINSIGHT_LEDGER_URL:-jdbc:postgresql://127.0.0.1:5432/ledger}",
                description = "the ledger database (default: $TXINSIGHT_LEDGER_URL or ${DEFAULT-VALUE})")
        String url;

        @Option(names = "--user", defaultValue = "${env:TXINSIGHT_LEDGER_USER:-ledger}",
                description = "database user (default: $TXINSIGHT_LEDGER_USER or ${DEFAULT-VALUE})")
        String user;

        @Option(names = "--password", description = "database password (prefer --password-file: it stays out of the process list)")
        String password;

        @Option(names = "--password-file", paramLabel = "FILE", description = "a file whose first line is the password")
        Path passwordFile;

        @Option(names = "--json", description = "JSON on stdout instead of a table")
        boolean json;

        LedgerConnection connection(CommandLine command) {
            if (password != null && passwordFile != null) {
                throw new CommandLine.ParameterException(command, "give --password or --password-file, not both");
            }
            try {
                return new LedgerConnection(url, user, password != null ? password : filePassword(command));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(command, "--url: " + e.getMessage());
            }
        }

        private String filePassword(CommandLine command) {
            if (passwordFile == null) {
                return "";
            }
            try {
                return LedgerConnection.passwordIn(passwordFile);
            } catch (IOException e) {
                throw new CommandLine.ParameterException(command,
                        "cannot read --password-file " + passwordFile + ": " + e.getMessage());
            }
        }
    }

    /** What a query subcommand prints: JSON, or a table; {@code found} false when nothing matched. */
    record Answer(Object json, String table, boolean found) {}

    /** The common run of a query: migrate, ask, print; or one clear line about the database. */
    abstract static class Query implements Callable<Integer> {
        @Mixin
        Access access;

        @Spec
        CommandLine.Model.CommandSpec spec;

        abstract Answer ask(LedgerQueries queries) throws SQLException;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            LedgerConnection connection = access.connection(spec.commandLine());
            try {
                LedgerSchema.migrate(connection);
                LedgerQueries queries = new LedgerQueries(connection.dataSource());
                Answer answer = ask(queries);
                if (access.json) {
                    out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                            .writeValueAsString(answer.json()));
                } else if (answer.found()) {
                    out.print(answer.table());
                }
                if (!answer.found()) {
                    err.println(queries.empty()
                            ? "ledger: the ledger at " + connection.url() + " is empty: no transaction has been"
                                    + " written yet (the job writes it when started with --ledger-url)."
                            : "ledger: nothing matches.");
                }
                out.flush();
                return 0;
            } catch (RuntimeException | SQLException e) {
                Optional<ConnectionTrouble> trouble = ConnectionTrouble.of(e);
                if (trouble.isEmpty()) {
                    throw e;
                }
                err.println("ledger: " + trouble.get().explain(connection, "--url", "--user",
                        "--password or --password-file"));
                return UNUSABLE;
            }
        }
    }

    /** [from, to): explicit ISO-8601 times or dates (UTC), else the last 24 hours. */
    abstract static class Ranged extends Query {
        @Option(names = "--from", description = "start, inclusive: 2026-12-01 or 2026-12-01T08:00:00Z (default: 24 hours before --to)")
        String from;

        @Option(names = "--to", description = "end, exclusive (default: now)")
        String to;

        Instant to() {
            return to == null ? Instant.now() : time(to, "--to");
        }

        Instant from(Instant end) {
            return from == null ? end.minus(Duration.ofHours(24)) : time(from, "--from");
        }

        private Instant time(String text, String option) {
            try {
                return text.contains("T") ? Instant.parse(text) : LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        option + " '" + text + "' is not a date (2026-12-01) or a UTC time (2026-12-01T08:00:00Z)");
            }
        }
    }

    static Answer rows(List<LedgerRow> rows) {
        List<Map<String, Object>> fields = rows.stream().map(LedgerRow::fields).toList();
        return new Answer(fields, TextTable.render(LIST_COLUMNS, fields), !rows.isEmpty());
    }

    @Command(name = "latest", mixinStandardHelpOptions = true,
            description = "The latest aborted or stuck transactions, newest first.")
    static final class Latest extends Query {
        @Option(names = "--limit", defaultValue = "20", description = "at most this many (default: ${DEFAULT-VALUE})")
        int limit;

        @Override
        Answer ask(LedgerQueries queries) throws SQLException {
            return rows(queries.latestTrouble(limit));
        }
    }

    @Command(name = "txn", mixinStandardHelpOptions = true,
            description = "One transaction's full record: every life of it, and its alerts.")
    static final class Txn extends Query {
        @Parameters(paramLabel = "TXN_ID")
        String txnId;

        @Override
        Answer ask(LedgerQueries queries) throws SQLException {
            List<Map<String, Object>> lives = queries.transaction(txnId).stream().map(LedgerRow::fields).toList();
            List<Map<String, Object>> alerts = queries.alerts(txnId).stream().map(AlertRow::fields).toList();
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("transactions", lives);
            json.put("alerts", alerts);
            StringBuilder table = new StringBuilder();
            for (Map<String, Object> life : lives) {
                table.append(TextTable.record(life)).append(System.lineSeparator());
            }
            if (!alerts.isEmpty()) {
                table.append("alerts:").append(System.lineSeparator()).append(TextTable.render(ALERT_COLUMNS, alerts));
            }
            return new Answer(json, table.toString(), !lives.isEmpty() || !alerts.isEmpty());
        }
    }

    @Command(name = "account", mixinStandardHelpOptions = true,
            description = "The transactions of one account, newest first.")
    static final class Account extends Query {
        @Parameters(paramLabel = "ACCOUNT")
        String account;

        @Option(names = "--limit", defaultValue = "50", description = "at most this many (default: ${DEFAULT-VALUE})")
        int limit;

        @Override
        Answer ask(LedgerQueries queries) throws SQLException {
            return rows(queries.byAccount(account, limit));
        }
    }

    @Command(name = "type", mixinStandardHelpOptions = true,
            description = "The transactions of one type decided in a time range, oldest first.")
    static final class ByType extends Ranged {
        @Parameters(paramLabel = "TXN_TYPE")
        String txnType;

        @Option(names = "--limit", defaultValue = "100", description = "at most this many (default: ${DEFAULT-VALUE})")
        int limit;

        @Override
        Answer ask(LedgerQueries queries) throws SQLException {
            Instant end = to();
            return rows(queries.byType(txnType, from(end), end, limit));
        }
    }

    @Command(name = "summary", mixinStandardHelpOptions = true,
            description = "Counts by state, p50/p99 duration and amounts by currency of the transactions decided in a range.")
    static final class Summary extends Ranged {
        @Override
        Answer ask(LedgerQueries queries) throws SQLException {
            Instant end = to();
            LedgerSummary s = queries.summary(from(end), end);
            StringBuilder t = new StringBuilder();
            t.append(String.format("transactions decided in [%s, %s): %d (%d went stuck)%n", s.from(), s.to(), s.total(), s.wasStuck()));
            s.byState().forEach((state, n) -> t.append(String.format("  %-8s %d%s%n", state, n,
                    state.equals(LedgerRow.OPEN) ? " (opened in the range, not decided yet)" : "")));
            t.append(String.format("duration p50 %s ms, p99 %s ms%n", ms(s.p50DurationMs()), ms(s.p99DurationMs())));
            if (!s.amounts().isEmpty()) {
                t.append("amounts by currency:").append(System.lineSeparator());
                s.amounts().forEach(a -> t.append(String.format("  %-4s %s in %d transactions%n", a.currency(), a.amount().toPlainString(), a.transactions())));
            }
            return new Answer(s.fields(), t.toString(), !s.byState().isEmpty());
        }

        private static String ms(Double value) {
            return value == null ? "-" : String.format("%.1f", value);
        }
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true,
            description = "Bring the schema up to date (every command does this first).")
    static final class Migrate extends Query {
        @Override
        Answer ask(LedgerQueries queries) {
            // Query.call has migrated already; what is left is to say so.
            return new Answer(Map.of("schema", "up to date"), "the ledger's schema is up to date" + System.lineSeparator(), true);
        }
    }
}
