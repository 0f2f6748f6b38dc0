package io.txinsight.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every enum on the wire: its names, its lookup, and its JSON (values and map keys) alike. */
class WireNamedTest {

    @Test
    void wireNamesAreTheConstantsInLowerCase() {
        assertThat(Arrays.stream(EventType.values()).map(EventType::wireName))
                .containsExactly("transaction_open", "step_open", "step_done", "transaction_close");
        assertThat(EventType.wireNames()).isEqualTo("transaction_open, step_open, step_done, transaction_close");
        assertThat(Arrays.stream(CloseStatus.values()).map(CloseStatus::wireName)).containsExactly("success", "failed");
        assertThat(Arrays.stream(TxnFate.values()).map(TxnFate::wireName)).containsExactly("commit", "abort", "hang");
        assertThat(Arrays.stream(Verdict.values()).map(Verdict::wireName))
                .containsExactly("closed_success", "closed_failed", "aborted", "stuck", "expired");
        assertThat(Arrays.stream(Outcome.State.values()).map(Outcome.State::wireName))
                .containsExactly("closed", "aborted", "expired");
    }

    @Test
    void lookupTakesOnlyTheExactWireName() {
        assertThat(EventType.fromWire("step_done")).contains(EventType.STEP_DONE);
        assertThat(EventType.fromWire("STEP_DONE")).isEmpty();
        assertThat(EventType.fromWire(null)).isEmpty();
        assertThat(CloseStatus.fromWire("failed")).contains(CloseStatus.FAILED);
        assertThat(CloseStatus.fromWire("ok")).isEmpty();
        assertThat(TxnFate.fromWire("hang")).contains(TxnFate.HANG);
        assertThat(TxnFate.fromWire("Hang")).isEmpty();
        assertThat(Verdict.fromWire("stuck")).isEqualTo(Verdict.STUCK);
        assertThatThrownBy(() -> Verdict.fromWire("lost")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown verdict 'lost'");
        assertThat(Outcome.State.fromWire("aborted")).isEqualTo(Outcome.State.ABORTED);
        assertThatThrownBy(() -> Outcome.State.fromWire("open")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown outcome state 'open'");
    }

    @Test
    void jsonWritesAndReadsTheWireNamesAsValuesAndAsMapKeys() {
        record Sample(Verdict verdict, CloseStatus status, Outcome.State state, Map<Verdict, Long> byVerdict) {}
        Map<Verdict, Long> byVerdict = new EnumMap<>(Verdict.class);
        byVerdict.put(Verdict.CLOSED_FAILED, 2L);
        Sample sample = new Sample(Verdict.ABORTED, CloseStatus.SUCCESS, Outcome.State.EXPIRED, byVerdict);

        String json = new String(RecordJson.toBytes(sample), StandardCharsets.UTF_8);

        assertThat(json).isEqualTo("{\"verdict\":\"aborted\",\"status\":\"success\",\"state\":\"expired\","
                + "\"byVerdict\":{\"closed_failed\":2}}");
        assertThat(RecordJson.fromBytes(json.getBytes(StandardCharsets.UTF_8), Sample.class)).isEqualTo(sample);
        Map.of("{\"verdict\":\"lost\"}", "unknown verdict 'lost'",
                "{\"status\":\"ok\"}", "unknown status 'ok'",
                "{\"state\":\"open\"}", "unknown outcome state 'open'").forEach((bad, message) ->
                assertThatThrownBy(() -> RecordJson.fromBytes(bad.getBytes(StandardCharsets.UTF_8), Sample.class))
                        .hasMessageContaining(message));
    }
}
