package io.txinsight.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.events.EventType;
import io.txinsight.events.RecordKey;
import io.txinsight.events.ScenarioRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --key account}: the same scenario, every record of a transaction keyed by its account. */
class RecordKeyTest {

    @Test
    void keyedByAccountTheScenarioIsTheSameButForTheKeys() throws Exception {
        SimulationParams byTxn = Presets.named("mixed");
        LoadedScenario txnKeyed = LoadedScenario.inMemory(byTxn);
        LoadedScenario accountKeyed = LoadedScenario.inMemory(byTxn.toBuilder().key(RecordKey.ACCOUNT).build());

        assertThat(accountKeyed.truth.transactions()).isEqualTo(txnKeyed.truth.transactions());
        assertThat(accountKeyed.truth.params()).containsEntry("key", "account");
        List<ScenarioRecord> a = accountKeyed.records;
        List<ScenarioRecord> t = txnKeyed.records;
        assertThat(a).hasSameSizeAs(t);
        Map<String, String> accountOf = new HashMap<>();
        t.stream().filter(r -> r.event() != null && r.event().eventType() == EventType.TRANSACTION_OPEN)
                .forEach(r -> accountOf.put(r.event().txnId(), (String) r.event().attributes().get("account")));
        for (int i = 0; i < a.size(); i++) {
            ScenarioRecord ra = a.get(i);
            ScenarioRecord rt = t.get(i);
            assertThat(ra.event()).isEqualTo(rt.event());
            assertThat(ra.raw()).isEqualTo(rt.raw());
            assertThat(ra.txn()).isEqualTo(rt.txn());
            if (ra.event() != null) {
                assertThat(rt.key()).isEqualTo(rt.event().txnId());
                assertThat(ra.key()).as("key of %s", ra.event()).isEqualTo(accountOf.get(ra.event().txnId())).isNotNull();
            } else {
                assertThat(ra.key()).as("a malformed record keeps its own key").isEqualTo(rt.key());
            }
        }
    }
}
