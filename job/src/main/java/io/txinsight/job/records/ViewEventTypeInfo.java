package io.txinsight.job.records;

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Flink's type information for {@link ViewEvent}: serialized by {@link ViewEventSerializer}, not
 * reflectively. {@link ViewEvent} names its {@link Factory}, so every place Flink derives the
 * type (an operator's output, a POJO field such as {@link DecodedRecord#event}) gets this one.
 */
public final class ViewEventTypeInfo extends TypeInformation<ViewEvent> {
    private static final long serialVersionUID = 1L;

    public static final ViewEventTypeInfo INSTANCE = new ViewEventTypeInfo();

    /** Named by {@code @TypeInfo} on {@link ViewEvent}. */
    public static final class Factory extends TypeInfoFactory<ViewEvent> {
        @Override
        public TypeInformation<ViewEvent> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return INSTANCE;
        }
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<ViewEvent> getTypeClass() {
        return ViewEvent.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<ViewEvent> createSerializer(SerializerConfig config) {
        return ViewEventSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "ViewEvent (txinsight's own serializer)";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ViewEventTypeInfo;
    }

    @Override
    public int hashCode() {
        return ViewEventTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof ViewEventTypeInfo;
    }
}
