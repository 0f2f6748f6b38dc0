package io.txinsight.job;

import io.txinsight.events.BusinessEvent;
import io.txinsight.events.EventCodec;
import io.txinsight.job.records.DecodedRecord;
import io.txinsight.job.records.View;
import io.txinsight.job.sources.ViewDeserializer;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One partition of an events topic, held in memory, read as the job reads Kafka: the monitor view
 * sees every record, the committed view only those written in committed Kafka transactions, each
 * at its own offset, and both decode through the job's own {@link ViewDeserializer}. The views are
 * bounded sources, so a job on them ends once it has read everything.
 */
final class InMemoryPartition implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final EventCodec CODEC = new EventCodec();

    static final String TOPIC = "txn-events";

    private record Entry(String key, byte[] value, boolean committed) implements Serializable {}

    private final List<Entry> log = new ArrayList<>();

    /** Appends an event written in a Kafka transaction that commits. */
    InMemoryPartition committed(BusinessEvent e) {
        return append(e.txnId(), CODEC.encode(e), true);
    }

    /** Appends an event written in a Kafka transaction that aborts: only the monitor view sees it. */
    InMemoryPartition aborted(BusinessEvent e) {
        return append(e.txnId(), CODEC.encode(e), false);
    }

    /** Appends a committed record with any value, e.g. one that is not a business event. */
    InMemoryPartition committedRaw(String key, String value) {
        return append(key, value.getBytes(StandardCharsets.UTF_8), true);
    }

    private InMemoryPartition append(String key, byte[] value, boolean committed) {
        log.add(new Entry(key, value, committed));
        return this;
    }

    Source<DecodedRecord, ?, ?> view(View view) {
        List<Long> visible = new ArrayList<>();
        for (int offset = 0; offset < log.size(); offset++) {
            if (view == View.MONITOR || log.get(offset).committed()) {
                visible.add((long) offset);
            }
        }
        return new DataGeneratorSource<>(
                new Reader(view, List.copyOf(log), visible), visible.size(), TypeInformation.of(DecodedRecord.class));
    }

    /** The n-th record a view sees, as a Kafka consumer would have handed it to the deserializer. */
    private record Reader(View view, List<Entry> log, List<Long> visible)
            implements GeneratorFunction<Long, DecodedRecord> {
        @Override
        public DecodedRecord map(Long index) {
            long offset = visible.get(index.intValue());
            Entry e = log.get((int) offset);
            return new ViewDeserializer(view).decode(new ConsumerRecord<>(
                    TOPIC, 0, offset, e.key().getBytes(StandardCharsets.UTF_8), e.value()));
        }
    }
}
