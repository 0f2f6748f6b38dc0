package io.txinsight.job.collector;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Leaves a really hanging Kafka transaction on a partition, the way the bugs that cause them do:
 * a transactional batch lands on the partition leader while no transaction coordinator ever hears
 * of it (no InitProducerId, no AddPartitionsToTxn). Nothing will ever write its end marker, so the
 * partition's last stable offset stays at the batch until an operator aborts it
 * ({@code kafka-transactions.sh abort}, i.e. {@code Admin.abortTransaction}).
 *
 * <p>It takes a broker with {@code transaction.partition.verification.enable=false}: since
 * KIP-890 the leader otherwise asks the coordinator whether the partition is part of the
 * transaction and refuses the batch. The request is a raw transactions-v1 Produce (version 11,
 * before v2 let the leader add the partition itself) sent on a plain socket, so the client's own
 * transaction manager, which would never do this, is not involved.
 */
public final class GhostTransaction {

    /** Produce version 11: the last one before transactions v2, and with topic names. */
    private static final short PRODUCE_V11 = ProduceRequest.LAST_STABLE_VERSION_BEFORE_TRANSACTION_V2;

    private GhostTransaction() {}

    /** Writes {@code values} as one open transactional batch of producer {@code producerId}; returns its base offset. */
    public static long leave(String host, int port, String topic, int partition, long producerId, String... values)
            throws IOException {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(System.currentTimeMillis(), ("ghost-" + i).getBytes(StandardCharsets.UTF_8),
                    values[i].getBytes(StandardCharsets.UTF_8));
        }
        MemoryRecords batch = MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, (short) 0, 0, records);
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(new ProduceRequestData.TopicProduceData().setName(topic).setPartitionData(List.of(
                new ProduceRequestData.PartitionProduceData().setIndex(partition).setRecords(batch))));
        ProduceRequestData data = new ProduceRequestData()
                // Named, because the broker accepts transactional batches only from a request that
                // names a transactional id; the coordinator never hears of this one.
                .setTransactionalId("ghost-" + producerId)
                .setAcks((short) 1)
                .setTimeoutMs(30_000)
                .setTopicData(topics);
        ProduceRequest request = new ProduceRequest.Builder(PRODUCE_V11, PRODUCE_V11, data).build(PRODUCE_V11);
        RequestHeader header = new RequestHeader(ApiKeys.PRODUCE, PRODUCE_V11, "ghost-transaction", 1);

        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(30_000);
            ByteBuffer out = request.serializeWithHeader(header);
            DataOutputStream w = new DataOutputStream(socket.getOutputStream());
            w.writeInt(out.remaining());
            w.write(out.array(), out.arrayOffset() + out.position(), out.remaining());
            w.flush();
            DataInputStream r = new DataInputStream(socket.getInputStream());
            byte[] answer = new byte[r.readInt()];
            r.readFully(answer);
            ProduceResponse response = (ProduceResponse) AbstractResponse.parseResponse(ByteBuffer.wrap(answer), header);
            ProduceResponseData.PartitionProduceResponse p =
                    response.data().responses().iterator().next().partitionResponses().get(0);
            Errors error = Errors.forCode(p.errorCode());
            if (error != Errors.NONE) {
                throw new IOException("the broker refused the ghost batch: " + error + " " + p.errorMessage());
            }
            return p.baseOffset();
        }
    }
}
