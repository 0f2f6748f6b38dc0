package io.txinsight.job.sinks;

import io.txinsight.events.Alert;
import io.txinsight.events.Outcome;
import io.txinsight.ledger.ConnectionTrouble;
import io.txinsight.ledger.LedgerConnection;
import io.txinsight.ledger.LedgerSchema;
import io.txinsight.ledger.LedgerSinks;
import io.txinsight.ledger.TransactionOpen;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * The job's writers into the PostgreSQL ledger (docs/ledger.md), beside the Kafka outputs.
 *
 * @param outcomes the outcome's half of a row per business transaction life
 * @param opens the open's half of the same rows: type, open time, financial attributes
 * @param alerts one row per alert
 */
public record LedgerOutputs(Sink<Outcome> outcomes, Sink<TransactionOpen> opens, Sink<Alert> alerts) {

    /** What the job says when the ledger cannot be used at start; the password is never in it. */
    public static final class LedgerUnavailableException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        LedgerUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Migrates the ledger's schema, on the client before the job is submitted, so a wrong URL or
     * password stops the start with a sentence naming the option to fix instead of a job that
     * fails on the task managers; then the writers.
     */
    public static LedgerOutputs open(LedgerConnection connection) {
        try {
            LedgerSchema.migrate(connection);
        } catch (RuntimeException e) {
            String why = ConnectionTrouble.of(e)
                    .map(t -> t.explain(connection, "--ledger-url", "--ledger-user",
                            "--ledger-password or --ledger-password-file"))
                    .orElse("cannot migrate the ledger's schema at " + connection.url() + ": " + e.getMessage());
            throw new LedgerUnavailableException("ledger: " + why, e);
        }
        return new LedgerOutputs(
                LedgerSinks.outcomes(connection), LedgerSinks.opens(connection), LedgerSinks.alerts(connection));
    }
}
