package io.txinsight.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LedgerSchemaTest {
    static ThrowawayPostgres postgres;

    @BeforeAll
    static void start() {
        postgres = ThrowawayPostgres.start();
    }

    @AfterAll
    static void stop() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void migratesAnEmptyDatabaseOnceAndARerunIsANoOp() throws SQLException {
        assertThat(tables()).doesNotContain("transactions", "alerts");

        assertThat(LedgerSchema.migrate(postgres.connection())).as("V1, V2 and V3").isEqualTo(3);
        assertThat(tables()).contains("transactions", "alerts", "flyway_schema_history");

        assertThat(LedgerSchema.migrate(postgres.connection())).isZero();
        assertThat(tables()).contains("transactions", "alerts");
    }

    @Test
    void aWrongPasswordIsReportedAsBadCredentialsWithoutThePassword() {
        LedgerConnection wrong = new LedgerConnection(postgres.jdbcUrl(), ThrowawayPostgres.USER, "not-the-password");

        assertThatThrownBy(() -> LedgerSchema.migrate(wrong))
                .satisfies(e -> {
                    assertThat(ConnectionTrouble.of(e)).contains(ConnectionTrouble.BAD_CREDENTIALS);
                    String message = ConnectionTrouble.BAD_CREDENTIALS.explain(wrong, "--url", "--user", "--password");
                    assertThat(message).contains("refused user 'ledger'", "--user", "--password")
                            .doesNotContain("not-the-password");
                });
        assertThat(wrong.toString()).doesNotContain("not-the-password");
    }

    @Test
    void aPortWithNoServerIsReportedAsUnreachable() {
        LedgerConnection nowhere = new LedgerConnection(
                "jdbc:postgresql://127.0.0.1:1/ledger?connectTimeout=5", ThrowawayPostgres.USER, "x");

        assertThatThrownBy(() -> LedgerSchema.migrate(nowhere))
                .satisfies(e -> assertThat(ConnectionTrouble.of(e)).contains(ConnectionTrouble.UNREACHABLE));
    }

    private static List<String> tables() throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = postgres.connection().dataSource().getConnection();
                ResultSet rs = c.getMetaData().getTables(null, "public", "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                names.add(rs.getString("TABLE_NAME"));
            }
        }
        return names;
    }
}
