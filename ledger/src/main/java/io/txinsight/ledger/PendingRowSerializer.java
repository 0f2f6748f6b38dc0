package io.txinsight.ledger;

import io.txinsight.events.RecordJson;
import java.io.IOException;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A row the ledger writer holds in its checkpointed state: the record in its JSON form, the same
 * one the Kafka outputs carry, so a savepoint outlives changes of the Java classes.
 */
final class PendingRowSerializer<T> implements SimpleVersionedSerializer<T> {
    private static final int VERSION = 1;

    private final Class<T> type;

    PendingRowSerializer(Class<T> type) {
        this.type = type;
    }

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(T row) {
        return RecordJson.toBytes(row);
    }

    @Override
    public T deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("ledger writer state of version " + version + " is unknown; this job reads " + VERSION);
        }
        return RecordJson.fromBytes(serialized, type);
    }
}
