package io.txinsight.job.records;

import io.txinsight.events.CloseStatus;
import io.txinsight.events.EventType;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.BigDecSerializer;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Writes a {@link ViewEvent} field by field in a fixed order: every event crosses the network once
 * at {@code keyBy}, and Flink's reflective POJO serializer spent about 40 % of the tracker thread
 * creating and filling each one (docs/performance.md).
 *
 * <p>Wire form: view, event type and status as one byte each (the enum's position, -1 for null),
 * then txn_id, ts, step, txn_type, topic, partition, offset and seen-at, strings as Flink's
 * {@link StringValue} writes them (null allowed); then whether attributes follow (only on an
 * open), and if so account, amount (as Flink's {@link BigDecSerializer}), currency, merchant,
 * category and the problem bits. Events travel only between running tasks (checkpoints are
 * aligned, so none is ever in a checkpoint): the attributes were added without a new snapshot. A change to this form, or to the order of
 * {@link View}, {@link EventType} or {@link CloseStatus}, needs a new snapshot class that says
 * how to read the old form ({@code ViewEventSerializerTest} pins the order).
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
        StringValue.writeString(e.txnId, out);
        out.writeLong(e.ts);
        StringValue.writeString(e.step, out);
        StringValue.writeString(e.txnType, out);
        StringValue.writeString(e.topic, out);
        out.writeInt(e.partition);
        out.writeLong(e.offset);
        out.writeLong(e.seenAtMs);
        // Only opens carry attributes: other events pay one byte for them.
        boolean attributes = e.eventType == EventType.TRANSACTION_OPEN;
        out.writeBoolean(attributes);
        if (attributes) {
            StringValue.writeString(e.account, out);
            BigDecSerializer.INSTANCE.serialize(e.amount, out);
            StringValue.writeString(e.currency, out);
            StringValue.writeString(e.merchant, out);
            StringValue.writeString(e.category, out);
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
        reuse.txnId = StringValue.readString(in);
        reuse.ts = in.readLong();
        reuse.step = StringValue.readString(in);
        reuse.txnType = StringValue.readString(in);
        reuse.topic = StringValue.readString(in);
        reuse.partition = in.readInt();
        reuse.offset = in.readLong();
        reuse.seenAtMs = in.readLong();
        if (in.readBoolean()) {
            reuse.account = StringValue.readString(in);
            reuse.amount = BigDecSerializer.readBigDecimal(in);
            reuse.currency = StringValue.readString(in);
            reuse.merchant = StringValue.readString(in);
            reuse.category = StringValue.readString(in);
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
        target.write(source, 3);
        StringValue.copyString(source, target);
        target.writeLong(source.readLong());
        StringValue.copyString(source, target);
        StringValue.copyString(source, target);
        StringValue.copyString(source, target);
        target.write(source, 4 + 8 + 8);
        boolean attributes = source.readBoolean();
        target.writeBoolean(attributes);
        if (attributes) {
            StringValue.copyString(source, target);
            BigDecSerializer.INSTANCE.copy(source, target);
            StringValue.copyString(source, target);
            StringValue.copyString(source, target);
            StringValue.copyString(source, target);
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
