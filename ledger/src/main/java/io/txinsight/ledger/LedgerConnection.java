package io.txinsight.ledger;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Where the ledger lives: a PostgreSQL JDBC URL and the account to use. Serializable because the
 * Flink sink carries it to the task managers. The password never appears in {@link #toString()},
 * so a logged connection (Flink logs operator configuration) leaks nothing.
 */
public record LedgerConnection(String url, String user, String password) implements Serializable {

    public LedgerConnection {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException(
                    "ledger URL '" + url + "' is not a PostgreSQL JDBC URL; expected jdbc:postgresql://host:port/database");
        }
    }

    /**
     * The password kept in a file, its first line (an empty file is an empty password): how the
     * command and the job take it without it showing in the process list or a logged command line.
     */
    public static String passwordIn(Path file) throws IOException {
        return Files.readAllLines(file).stream().findFirst().orElse("");
    }

    /** A data source for the driver directly: schema migrations and queries. */
    public DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        ds.setUser(user);
        ds.setPassword(password);
        return ds;
    }

    @Override
    public String toString() {
        return "LedgerConnection[url=" + url + ", user=" + user + ", password=***]";
    }
}
