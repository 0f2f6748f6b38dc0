package io.txinsight.job.tracker.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.events.Alert;
import io.txinsight.events.Outcome;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class TxnStateTest {

    @Test
    void stateAndOutputsAreFlinkPojosNotKryo() {
        assertThat(TypeInformation.of(TxnState.class)).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(CloseSighting.class)).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(Outcome.class)).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(Alert.class)).isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void roundTripsThroughItsSerializer() throws Exception {
        NamePool names = new NamePool(10);
        TxnState s = TxnState.startedBy(1_000);
        s.set(TxnState.OPEN_MONITOR | TxnState.CLOSE_MONITOR);
        s.kind = new NamePool(10).kind("payment", "EUR");
        s.close = new CloseSighting();
        s.close.ts = 2_000;
        s.close.topic = "payments";
        s.close.offset = 42;
        s.close.partition = 3;
        for (int i = 0; i <= TxnState.FLAG_STEPS; i++) { // one step's bits beyond the flags
            s.addStep("step" + i, names);
            s.setStepTime(i, 1_200 + i);
            s.stepSet(i, TxnState.STEP_OPEN_MONITOR);
        }

        TypeSerializer<TxnState> serializer =
                TypeInformation.of(TxnState.class).createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(s, out);
        TxnState back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));

        assertThat(back).usingRecursiveComparison().isEqualTo(s);
        assertThat(back.lastStep()).isEqualTo("step" + TxnState.FLAG_STEPS);
        assertThat(back.stage()).isEqualTo(Stage.TENTATIVELY_CLOSED);
    }

    @Test
    void stepTimesStayPutWhenTheStartMovesAndSaturateBeyondAnInt() {
        NamePool names = new NamePool(10);
        TxnState s = TxnState.startedBy(10_000);
        s.addStep("a", names);
        s.setStepTime(0, 10_500);
        s.moveStart(9_000); // an earlier event, or the open
        assertThat(s.startTs).isEqualTo(9_000);
        assertThat(s.stepTime(0)).isEqualTo(10_500);
        s.setStepTime(0, 9_000 + 30L * 24 * 3_600_000); // a clock 30 days off
        assertThat(s.stepTime(0)).isEqualTo(9_000L + Integer.MAX_VALUE);
        s.setStepTime(0, Long.MIN_VALUE);
        assertThat(s.stepTime(0)).isEqualTo(9_000L + Integer.MIN_VALUE);
    }

    @Test
    void stepsAreCapped() {
        NamePool names = new NamePool(10);
        TxnState s = TxnState.startedBy(0);
        for (int i = 0; i < TxnState.MAX_STEPS; i++) {
            assertThat(s.addStep("s" + i, names)).isEqualTo(i);
        }
        assertThat(s.addStep("one-too-many", names)).isEqualTo(-1);
        assertThat(s.stepCount()).isEqualTo(TxnState.MAX_STEPS);
    }

    @Test
    void eachStepKeepsItsOwnSeenBitsAndTimeAsStepsAreAdded() {
        NamePool names = new NamePool(10);
        TxnState s = TxnState.startedBy(0);
        int[] bits = {TxnState.STEP_OPEN_MONITOR, TxnState.STEP_OPEN_COMMITTED, TxnState.STEP_DONE_MONITOR,
                TxnState.STEP_DONE_COMMITTED};
        for (int i = 0; i < TxnState.MAX_STEPS; i++) {
            s.addStep("s" + i, names);
            s.setStepTime(i, 1_000L * i);
            s.stepSet(i, bits[i % 4]);
            s.stepSet(i, bits[(i + 1) % 4]);
        }
        for (int i = 0; i < TxnState.MAX_STEPS; i++) {
            for (int b = 0; b < 4; b++) {
                boolean set = b == i % 4 || b == (i + 1) % 4;
                assertThat(s.stepHas(i, bits[b])).as("step %d bit %d", i, b).isEqualTo(set);
            }
            assertThat(s.stepTime(i)).isEqualTo(1_000L * i);
        }
        assertThat(s.stage()).as("step bits are not flags").isEqualTo(Stage.OPEN);
        assertThat(s.openSeen()).isFalse();
    }

    @Test
    void transactionsThroughTheSameStepsShareOneNameArray() {
        NamePool names = new NamePool(10);
        TxnState a = TxnState.startedBy(0);
        TxnState b = TxnState.startedBy(0);
        for (TxnState s : new TxnState[] {a, b}) {
            s.addStep(new String("authorize"), names);
            s.addStep(new String("capture"), names);
        }
        assertThat(a.steps).isSameAs(b.steps).containsExactly("authorize", "capture");
        b.addStep("refund", names);
        assertThat(a.steps).as("a shared array is never written to").containsExactly("authorize", "capture");
    }
}
