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
        assertThat(TypeInformation.of(Outcome.class)).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(Alert.class)).isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void roundTripsThroughItsSerializer() throws Exception {
        TxnState s = TxnState.startedBy(1_000);
        s.set(TxnState.OPEN_MONITOR | TxnState.CLOSE_MONITOR);
        s.txnType = "payment";
        s.closeTopic = "payments";
        s.closeOffset = 42;
        s.closePartition = 3;
        int i = s.addStep("authorize");
        s.stepTs[i] = 1_200;
        s.stepSet(i, TxnState.STEP_OPEN_MONITOR);

        TypeSerializer<TxnState> serializer =
                TypeInformation.of(TxnState.class).createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(s, out);
        TxnState back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));

        assertThat(back).usingRecursiveComparison().isEqualTo(s);
        assertThat(back.lastStep()).isEqualTo("authorize");
        assertThat(back.stage()).isEqualTo(Stage.TENTATIVELY_CLOSED);
    }

    @Test
    void stepsAreCapped() {
        TxnState s = TxnState.startedBy(0);
        for (int i = 0; i < TxnState.MAX_STEPS; i++) {
            assertThat(s.addStep("s" + i)).isEqualTo(i);
        }
        assertThat(s.addStep("one-too-many")).isEqualTo(-1);
        assertThat(s.stepCount()).isEqualTo(TxnState.MAX_STEPS);
    }
}
