package io.txinsight.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of its own, for tests and the demo: initialised in a fresh temporary
 * directory, listening on 127.0.0.1 and a free port only, with a database {@code ledger} owned by
 * a non-superuser {@code ledger} with a random password. {@link #close()} stops it and deletes the
 * directory; a shutdown hook does the same if the JVM exits first.
 *
 * <p>It runs the installed binaries ({@code pg_config --bindir}). {@code initdb} refuses to run as
 * root, so as root every binary runs as the {@code postgres} user (Debian's package creates it),
 * in a directory that user owns.
 */
public final class ThrowawayPostgres implements AutoCloseable {
    public static final String DATABASE = "ledger";
    public static final String USER = "ledger";
    private static final String SUPERUSER = "txinsight_admin";
    private static final String SERVICE_USER = "postgres";
    private static final String MISSING = "PostgreSQL's server binaries (initdb, pg_ctl) are not installed: "
            + "install Debian's postgresql package (apt-get install postgresql)";
    private static final int START_ATTEMPTS = 3;

    private final Path bin;
    private final Path dir;
    private final Path data;
    private final boolean asServiceUser;
    private final String adminPassword = secret();
    private final String password = secret();
    private final Thread stopOnExit = new Thread(this::stopQuietly, "throwaway-postgres-stop");
    private int port;
    private boolean stopped;

    private ThrowawayPostgres(Path bin) throws IOException {
        this.bin = bin;
        this.asServiceUser = "root".equals(System.getProperty("user.name"));
        this.dir = Files.createTempDirectory("txinsight-postgres-");
        this.data = dir.resolve("data");
        if (asServiceUser) {
            UserPrincipal owner = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(SERVICE_USER);
            Files.setOwner(dir, owner);
        }
    }

    /** Initialises and starts a cluster, with its database and user; fails with a clear message if it cannot. */
    public static ThrowawayPostgres start() {
        Path bin = binaries();
        ThrowawayPostgres pg;
        try {
            pg = new ThrowawayPostgres(bin);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare a directory for PostgreSQL", e);
        }
        try {
            pg.initialise();
            pg.startOnFreePort();
            pg.createLedgerDatabase();
            return pg;
        } catch (RuntimeException e) {
            pg.close();
            throw e;
        }
    }

    /** Where the server binaries are, or an exception saying how to install them. */
    public static Path binaries() {
        Path bin;
        try {
            Process p = new ProcessBuilder("pg_config", "--bindir").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (p.waitFor() != 0) {
                throw new IllegalStateException(MISSING);
            }
            bin = Path.of(out);
        } catch (IOException e) {
            throw new IllegalStateException(MISSING + " (pg_config is not on the PATH)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while looking for PostgreSQL", e);
        }
        if (!Files.isExecutable(bin.resolve("initdb")) || !Files.isExecutable(bin.resolve("pg_ctl"))) {
            throw new IllegalStateException(MISSING + " (no initdb or pg_ctl in " + bin + ")");
        }
        return bin;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public int port() {
        return port;
    }

    /** The ledger's own account: owns the database, is no superuser. */
    public LedgerConnection connection() {
        return new LedgerConnection(jdbcUrl(), USER, password);
    }

    private void initialise() {
        Path pwfile = dir.resolve("admin-password");
        write(pwfile, adminPassword + "\n");
        run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", SUPERUSER,
                "--pwfile=" + pwfile, "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"),
                "initdb");
        try {
            Files.delete(pwfile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void startOnFreePort() {
        IllegalStateException last = null;
        // A free port can be taken between choosing it and the server binding it: choose again.
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            port = freePort();
            try {
                run(List.of(bin.resolve("pg_ctl").toString(), "start", "-w", "-t", "60", "-D", data.toString(),
                        "-l", dir.resolve("server.log").toString(), "-o", settings(port)), "pg_ctl start");
                Runtime.getRuntime().addShutdownHook(stopOnExit);
                return;
            } catch (IllegalStateException e) {
                last = e;
            }
        }
        throw last;
    }

    private String settings(int port) {
        return "-c listen_addresses=127.0.0.1 -p " + port + " -k " + dir
                + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
    }

    private void createLedgerDatabase() {
        LedgerConnection admin = new LedgerConnection(
                "jdbc:postgresql://127.0.0.1:" + port + "/postgres", SUPERUSER, adminPassword);
        try (Connection c = admin.dataSource().getConnection(); Statement s = c.createStatement()) {
            // The password is random hex, so it needs no quoting beyond the literal's quotes.
            s.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + password + "'");
            s.execute("CREATE DATABASE " + DATABASE + " OWNER " + USER);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the ledger database: " + e.getMessage(), e);
        }
    }

    /**
     * Stops the server and keeps its data, as an outage would: what the tests of the job's
     * behaviour while the database is down use. {@link #restartServer} brings it back.
     */
    public synchronized void stopServer() {
        run(List.of(bin.resolve("pg_ctl").toString(), "stop", "-w", "-t", "60", "-m", "fast",
                "-D", data.toString()), "pg_ctl stop");
    }

    /** Starts the server stopped by {@link #stopServer} again, on the same port, with its data. */
    public synchronized void restartServer() {
        run(List.of(bin.resolve("pg_ctl").toString(), "start", "-w", "-t", "60", "-D", data.toString(),
                "-l", dir.resolve("server.log").toString(), "-o", settings(port)), "pg_ctl start");
    }

    @Override
    public void close() {
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // already shutting down, or the hook was never added: nothing to remove
        }
        deleteDirectory();
    }

    private synchronized void stopQuietly() {
        if (stopped || !Files.exists(data.resolve("postmaster.pid"))) {
            stopped = true;
            return;
        }
        stopped = true;
        try {
            run(List.of(bin.resolve("pg_ctl").toString(), "stop", "-w", "-t", "60", "-m", "fast",
                    "-D", data.toString()), "pg_ctl stop");
        } catch (IllegalStateException e) {
            System.err.println("throwaway PostgreSQL: " + e.getMessage());
        }
    }

    private void deleteDirectory() {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("throwaway PostgreSQL: cannot delete " + dir + ": " + e.getMessage());
        }
    }

    /** Runs a binary (as the service user when we are root) and fails with its output if it fails. */
    private void run(List<String> command, String what) {
        List<String> full = new ArrayList<>();
        if (asServiceUser) {
            full.addAll(List.of("runuser", "-u", SERVICE_USER, "--"));
        }
        full.addAll(command);
        Path output = dir.resolve(what.replace(' ', '-') + ".out");
        try {
            // Output to a file, not a pipe: the server pg_ctl starts would inherit a pipe and hold it open.
            Process p = new ProcessBuilder(full).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(what + " did not finish within 120 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(what + " failed (exit " + p.exitValue() + "): "
                        + tail(output) + tail(dir.resolve("server.log")));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + what, e);
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return "\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    private void write(Path file, String text) {
        try {
            Files.writeString(file, text);
            if (asServiceUser) {
                Files.setOwner(file, Files.getOwner(dir));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    private static String secret() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
