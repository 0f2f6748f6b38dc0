package io.txinsight.ledger;

import java.sql.SQLException;
import java.util.Optional;

/**
 * Why the ledger's database could not be used, in terms a user can act on. The driver's own
 * messages name SQL states and sockets; these name what to fix. Each caller passes the names of
 * its own options (the command's {@code --url}, the job's {@code --ledger-url}).
 */
public enum ConnectionTrouble {
    /** Nothing answers at the URL's host and port. */
    UNREACHABLE,
    /** The server answered and refused the user or the password. */
    BAD_CREDENTIALS,
    /** The server answered, but the URL's database does not exist. */
    NO_DATABASE;

    /** The trouble an exception (or one of its causes) shows, if it is one of these. */
    public static Optional<ConnectionTrouble> of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08")) {
                    return Optional.of(UNREACHABLE);
                }
                if (state.equals("28P01") || state.equals("28000")) {
                    return Optional.of(BAD_CREDENTIALS);
                }
                if (state.equals("3D000")) {
                    return Optional.of(NO_DATABASE);
                }
            }
        }
        return Optional.empty();
    }

    /** One sentence for the user: what happened and which option fixes it. The password is never in it. */
    public String explain(LedgerConnection connection, String urlOption, String userOption, String passwordOptions) {
        return switch (this) {
            case UNREACHABLE -> "cannot reach PostgreSQL at " + connection.url()
                    + ": nothing answers there. Check the host and port in " + urlOption
                    + ", and that the server is running.";
            case BAD_CREDENTIALS -> "PostgreSQL at " + connection.url() + " refused user '" + connection.user()
                    + "': wrong user or password. Check " + userOption + " and " + passwordOptions + ".";
            case NO_DATABASE -> "PostgreSQL at " + connection.url()
                    + " has no such database. Check the database name at the end of " + urlOption + ".";
        };
    }
}
