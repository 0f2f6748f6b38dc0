package io.txinsight.job.records;

import io.txinsight.events.CloseStatus;
import io.txinsight.events.EventType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.BigDecSerializer;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Writes a {@link ViewEvent} field by field in a fixed order: every event crosses the network once
 * at {@code keyBy}, and Flink's reflective POJO serializer spent about 40 % of the tracker thread
 * creating and filling each one (docs/performance.md).
 *
 * <p>Wire form: view, event type and status as one byte each (the enum's position, -1 for null),
 * then txn_id, ts, step, txn_type, topic, partition, offset and seen-at, strings as their UTF-8
 * bytes after a byte count (-1 for null); then whether attributes follow (only on an open), and if
 * so account, amount (as Flink's {@link BigDecSerializer}), currency, merchant, category and the
 * problem bits. Events travel only between running tasks (checkpoints are aligned, so none is ever
 * in a checkpoint, and no state holds one): the attributes and the string form changed without a
 * new snapshot. Should events ever be kept in state or unaligned checkpoints, a change to this
 * form, or to the order of {@link View}, {@link EventType} or {@link CloseStatus}, needs a new
 * snapshot class that says how to read the old form ({@code ViewEventSerializerTest} pins the
 * order).
 */
public final class ViewEventSerializer extends TypeSerializerSingleton<ViewEvent> {
    private static final long serialVersionUID = 1L;

    public static final ViewEventSerializer INSTANCE = new ViewEventSerializer();

    private static final View[] VIEWS = View.values();
    private static final EventType[] EVENT_TYPES = EventType.values();
    private static final CloseStatus[] STATUSES = CloseStatus.values();

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public ViewEvent createInstance() {
        return new ViewEvent();
    }

    @Override
    public ViewEvent copy(ViewEvent from) {
        return copy(from, new ViewEvent());
    }

    @Override
    public ViewEvent copy(ViewEvent from, ViewEvent reuse) {
        reuse.view = from.view;
        reuse.eventType = from.eventType;
        reuse.txnId = from.txnId;
        reuse.ts = from.ts;
        reuse.step = from.step;
        reuse.txnType = from.txnType;
        reuse.status = from.status;
        reuse.topic = from.topic;
        reuse.partition = from.partition;
        reuse.offset = from.offset;
        reuse.seenAtMs = from.seenAtMs;
        reuse.account = from.account;
        reuse.amount = from.amount; // immutable
        reuse.currency = from.currency;
        reuse.merchant = from.merchant;
        reuse.category = from.category;
        reuse.attributeProblems = from.attributeProblems;
        return reuse;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(ViewEvent e, DataOutputView out) throws IOException {
        out.writeByte(e.view == null ? -1 : e.view.ordinal());
        out.writeByte(e.eventType == null ? -1 : e.eventType.ordinal());
        out.writeByte(e.status == null ? -1 : e.status.ordinal());
        writeText(e.txnId, out);
        out.writeLong(e.ts);
        writeText(e.step, out);
        writeText(e.txnType, out);
        writeText(e.topic, out);
        out.writeInt(e.partition);
        out.writeLong(e.offset);
        out.writeLong(e.seenAtMs);
        // Only opens carry attributes: other events pay one byte for them.
        boolean attributes = e.eventType == EventType.TRANSACTION_OPEN;
        out.writeBoolean(attributes);
        if (attributes) {
            writeText(e.account, out);
            BigDecSerializer.INSTANCE.serialize(e.amount, out);
            writeText(e.currency, out);
            writeText(e.merchant, out);
            writeText(e.category, out);
            out.writeInt(e.attributeProblems);
        }
    }

    @Override
    public ViewEvent deserialize(DataInputView in) throws IOException {
        return deserialize(new ViewEvent(), in);
    }

    @Override
    public ViewEvent deserialize(ViewEvent reuse, DataInputView in) throws IOException {
        reuse.view = byPosition(VIEWS, in.readByte());
        reuse.eventType = byPosition(EVENT_TYPES, in.readByte());
        reuse.status = byPosition(STATUSES, in.readByte());
        reuse.txnId = readText(in);
        reuse.ts = in.readLong();
        reuse.step = readText(in);
        reuse.txnType = readText(in);
        reuse.topic = readText(in);
        reuse.partition = in.readInt();
        reuse.offset = in.readLong();
        reuse.seenAtMs = in.readLong();
        if (in.readBoolean()) {
            reuse.account = readText(in);
            reuse.amount = BigDecSerializer.readBigDecimal(in);
            reuse.currency = readText(in);
            reuse.merchant = readText(in);
            reuse.category = readText(in);
            reuse.attributeProblems = in.readInt();
        } else {
            reuse.account = null;
            reuse.amount = null;
            reuse.currency = null;
            reuse.merchant = null;
            reuse.category = null;
            reuse.attributeProblems = 0;
        }
        return reuse;
    }

    /**
     * A string as its UTF-8 bytes after their count (-1 for null). Flink's {@code StringValue}
     * writes a variable-length code per char and reads them back one by one through a thread-local
     * buffer; the JDK encodes and decodes the ASCII that txn_ids, steps, types and topics almost
     * always are in one copy. Alone, an event is written and read back in 123 to 183 ns instead of
     * 205 to 217 (docs/performance.md): a small part of what an event costs the job.
     */
    private static void writeText(String s, DataOutputView out) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readText(DataInputView in) throws IOException {
        int length = in.readInt();
        if (length == -1) {
            return null;
        }
        if (length < 0) {
            throw new IOException("a string of " + length + " bytes: not a ViewEvent of this version of txinsight?");
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void copyText(DataInputView source, DataOutputView target) throws IOException {
        int length = source.readInt();
        target.writeInt(length);
        if (length > 0) {
            // Through an array: DataOutputSerializer.write(DataInputView, n) does not grow its buffer.
            byte[] bytes = new byte[length];
            source.readFully(bytes);
            target.write(bytes);
        }
    }

    private static <E> E byPosition(E[] values, byte position) throws IOException {
        if (position == -1) {
            return null;
        }
        if (position < 0 || position >= values.length) {
            throw new IOException("no " + values.getClass().getComponentType().getSimpleName() + " at position "
                    + position + ": written by a newer version of txinsight?");
        }
        return values[position];
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        target.writeByte(source.readByte());
        target.writeByte(source.readByte());
        target.writeByte(source.readByte());
        copyText(source, target);
        target.writeLong(source.readLong());
        copyText(source, target);
        copyText(source, target);
        copyText(source, target);
        target.writeInt(source.readInt());
        target.writeLong(source.readLong());
        target.writeLong(source.readLong());
        boolean attributes = source.readBoolean();
        target.writeBoolean(attributes);
        if (attributes) {
            copyText(source, target);
            BigDecSerializer.INSTANCE.copy(source, target);
            copyText(source, target);
            copyText(source, target);
            copyText(source, target);
            target.writeInt(source.readInt());
        }
    }

    @Override
    public TypeSerializerSnapshot<ViewEvent> snapshotConfiguration() {
        return new ViewEventSerializerSnapshot();
    }

    /** What a checkpoint or savepoint remembers of the serializer: the wire form's version. */
    public static final class ViewEventSerializerSnapshot extends SimpleTypeSerializerSnapshot<ViewEvent> {
        public ViewEventSerializerSnapshot() {
            super(() -> INSTANCE);
        }
    }
}
