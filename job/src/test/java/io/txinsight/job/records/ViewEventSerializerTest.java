package io.txinsight.job.records;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.events.CloseStatus;
import io.txinsight.events.EventType;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class ViewEventSerializerTest {

    private final ViewEventSerializer serializer = ViewEventSerializer.INSTANCE;

    static ViewEvent event(View view, EventType type, String txnId, String step, String txnType, CloseStatus status) {
        ViewEvent e = new ViewEvent();
        e.view = view;
        e.eventType = type;
        e.txnId = txnId;
        e.ts = 1_795_284_554_123L;
        e.step = step;
        e.txnType = txnType;
        e.status = status;
        e.topic = "txn-events";
        e.partition = 3;
        e.offset = 9_876_543_210L;
        e.seenAtMs = 1_795_284_555_000L;
        return e;
    }

    static List<ViewEvent> events() {
        ViewEvent bare = new ViewEvent(); // every reference null, every number zero
        ViewEvent withAttributes = event(View.MONITOR, EventType.TRANSACTION_OPEN, "T-2", null, "deposit", null);
        withAttributes.account = "acc-00042";
        withAttributes.amount = new BigDecimal("125.50");
        withAttributes.currency = "EUR";
        withAttributes.merchant = "Metro Fuel #7";
        withAttributes.category = "fuel";
        ViewEvent partly = event(View.COMMITTED, EventType.TRANSACTION_OPEN, "T-3", null, null, null);
        partly.amount = new BigDecimal("-1E+30");
        partly.attributeProblems = 0b10_1001_0000;
        return List.of(
                event(View.MONITOR, EventType.TRANSACTION_OPEN, "T-1", null, "payment", null),
                withAttributes,
                partly,
                event(View.COMMITTED, EventType.STEP_DONE, "T-\u00e9\u4e2d\uD83D\uDE00", "settle", null, null),
                event(View.COMMITTED, EventType.TRANSACTION_CLOSE, "x".repeat(256), null, null, CloseStatus.FAILED),
                bare);
    }

    @Test
    void everyFieldSurvivesTheRoundTrip() throws IOException {
        for (ViewEvent e : events()) {
            byte[] bytes = write(e);

            ViewEvent fresh = serializer.deserialize(new DataInputDeserializer(bytes));
            ViewEvent reused = serializer.deserialize(
                    event(View.MONITOR, EventType.STEP_OPEN, "old", "old", "old", CloseStatus.SUCCESS),
                    new DataInputDeserializer(bytes));

            assertThat(fresh).usingRecursiveComparison().isEqualTo(e);
            assertThat(reused).usingRecursiveComparison().isEqualTo(e);
            assertThat(serializer.copy(e)).isNotSameAs(e).usingRecursiveComparison().isEqualTo(e);
        }
    }

    @Test
    void copyingTheBytesGivesTheSameBytes() throws IOException {
        for (ViewEvent e : events()) {
            byte[] bytes = write(e);
            DataOutputSerializer copied = new DataOutputSerializer(64);

            serializer.copy(new DataInputDeserializer(bytes), copied);

            assertThat(copied.getCopyOfBuffer()).isEqualTo(bytes);
        }
    }

    @Test
    void aPositionNoEnumHasIsAnErrorNotAWrongValue() {
        byte[] bytes = write(events().get(0));
        bytes[1] = 9; // event type

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> serializer.deserialize(new DataInputDeserializer(bytes)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no EventType at position 9");
    }

    @Test
    void enumPositionsAreTheWireForm() {
        // Reordering any of these changes what version 1 of the wire form means: bump the snapshot instead.
        assertThat(View.values()).containsExactly(View.MONITOR, View.COMMITTED);
        assertThat(EventType.values()).containsExactly(
                EventType.TRANSACTION_OPEN, EventType.STEP_OPEN, EventType.STEP_DONE, EventType.TRANSACTION_CLOSE);
        assertThat(CloseStatus.values()).containsExactly(CloseStatus.SUCCESS, CloseStatus.FAILED);
    }

    @Test
    void aRestoredSnapshotIsCompatibleAsIs() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, serializer.snapshotConfiguration());

        TypeSerializerSnapshot<ViewEvent> restored = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        TypeSerializerSchemaCompatibility<ViewEvent> compatibility =
                serializer.snapshotConfiguration().resolveSchemaCompatibility(restored);

        assertThat(restored).isInstanceOf(ViewEventSerializer.ViewEventSerializerSnapshot.class);
        assertThat(compatibility.isCompatibleAsIs()).isTrue();
        assertThat(restored.restoreSerializer()).isSameAs(serializer);
    }

    @Test
    void flinkUsesItWhereverItMeetsAViewEvent() {
        assertThat(TypeInformation.of(ViewEvent.class)).isEqualTo(ViewEventTypeInfo.INSTANCE);
        TypeInformation<DecodedRecord> record = TypeInformation.of(DecodedRecord.class);
        assertThat(record).isInstanceOf(PojoTypeInfo.class);
        assertThat(((PojoTypeInfo<DecodedRecord>) record).getTypeAt("event")).isEqualTo(ViewEventTypeInfo.INSTANCE);
    }

    private byte[] write(ViewEvent e) {
        DataOutputSerializer out = new DataOutputSerializer(64);
        try {
            serializer.serialize(e, out);
        } catch (IOException impossible) {
            throw new AssertionError(impossible);
        }
        return out.getCopyOfBuffer();
    }
}
