package io.txinsight.job.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.events.Alert;
import io.txinsight.events.CloseStatus;
import io.txinsight.events.DeadLetter;
import io.txinsight.events.Outcome;
import io.txinsight.events.RecordJson;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

class JsonRecordSerializerTest {

    private static final Outcome OUTCOME = new Outcome(
            "t-1", "payment", Outcome.State.CLOSED, CloseStatus.SUCCESS, 1_000L, 1_250L, 250L, 40L, false,
            "settle", 4, false, 3_000L);

    @Test
    void writesJsonKeyedByTxnId() {
        JsonRecordSerializer<Outcome> s = new JsonRecordSerializer<>("txn-outcomes", Outcome::txnId);
        ProducerRecord<byte[], byte[]> r = s.serialize(OUTCOME, null, 1_000L);
        assertThat(r.topic()).isEqualTo("txn-outcomes");
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("t-1");
        assertThat(r.timestamp()).as("Kafka stamps the time of writing, not the (old) event time").isNull();
        assertThat(RecordJson.fromBytes(r.value(), Outcome.class)).isEqualTo(OUTCOME);
        assertThat(new String(r.value(), StandardCharsets.UTF_8)).contains("\"state\":\"closed\"");
    }

    @Test
    void aDeadLetterWithoutKeyHasNoKey() {
        DeadLetter d = new DeadLetter("t", 0, 1, "monitor", "NOT_JSON", null, "bad", null, "AA==", "x");
        ProducerRecord<byte[], byte[]> r = new JsonRecordSerializer<>("dl", DeadLetter::key).serialize(d, null, null);
        assertThat(r.key()).isNull();
        assertThat(RecordJson.fromBytes(r.value(), DeadLetter.class)).isEqualTo(d);
    }

    @Test
    void serializersAndSinksTravelWithTheJobGraph() throws Exception {
        JsonRecordSerializer<Alert> s = new JsonRecordSerializer<>("a", Alert::txnId);
        JsonRecordSerializer<Alert> copy = InstantiationUtil.clone(s);
        assertThat(copy.topic()).isEqualTo("a");

        KafkaOutputs outputs = new KafkaOutputs("k:9092", null, true, "tx");
        for (KafkaSink<?> sink : new KafkaSink<?>[] {outputs.outcomes("o"), outputs.alerts("a"), outputs.deadLetters("d")}) {
            assertThat(InstantiationUtil.clone(sink)).isNotNull();
        }
    }
}
