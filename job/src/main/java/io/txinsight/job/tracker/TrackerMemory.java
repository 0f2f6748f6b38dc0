package io.txinsight.job.tracker;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

/**
 * What a tracker subtask has learned beyond its keyed state, as one checkpointed entry per
 * subtask: the outlier medians per transaction type and the recently closed lives (id, close time,
 * decision time).
 *
 * <p>Why checkpoint them: without the medians a restored job flags no relative outlier until each
 * type has warmed up again, and without the recently closed ids a resend of a closed transaction
 * arriving after the restore would start a phantom transaction that expires later and contradicts
 * the Closed outcome. Neither is keyed (see {@link RecentlyClosed} for why), so they travel as
 * union operator state: every subtask sees every entry on restore and takes what is its own.
 *
 * <ul>
 *   <li>Medians: the entry of the same subtask; after a rescale, of subtask {@code index % old
 *       parallelism} (each subtask's medians are a fair sample of every type).
 *   <li>Recently closed lives: from every entry, those whose key now belongs to this subtask (the
 *       same key-group assignment Flink uses to route the events).
 * </ul>
 *
 * <p>Layout: version, subtask index, the medians ({@link OutlierDetector#writeTo}), the count of
 * lives and each as id, close time and decision time, oldest decision first. The former
 * parallelism is the number of entries (one per subtask). Version 1 held the ids alone: a restore
 * from it keeps the medians and forgets the ids (their close times are unknown).
 */
final class TrackerMemory {
    private static final int VERSION = 2;
    private static final int IDS_ONLY = 1;

    private TrackerMemory() {}

    static byte[] encode(int subtask, OutlierDetector outliers, RecentlyClosed recentlyClosed) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(VERSION);
            out.writeInt(subtask);
            outliers.writeTo(out);
            out.writeInt(recentlyClosed.size());
            for (Map.Entry<String, RecentlyClosed.Life> life : recentlyClosed.lives()) {
                out.writeUTF(life.getKey());
                out.writeLong(life.getValue().closeTs());
                out.writeLong(life.getValue().decidedAt());
            }
        }
        return bytes.toByteArray();
    }

    /**
     * Fills a fresh detector and memory from the entries of every former subtask.
     *
     * @param maxParallelism the job's max parallelism (key groups), for routing the ids
     */
    static void restore(Iterable<byte[]> entries, int subtask, int parallelism, int maxParallelism,
            OutlierDetector outliers, RecentlyClosed recentlyClosed) throws IOException {
        List<byte[]> all = new ArrayList<>();
        entries.forEach(all::add);
        if (all.isEmpty()) {
            return;
        }
        int medianSource = subtask % all.size(); // one entry per former subtask
        List<Restored> lives = new ArrayList<>();
        for (byte[] entry : all) {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(entry))) {
                int version = in.readInt();
                if (version != VERSION && version != IDS_ONLY) {
                    throw new IOException("tracker memory of version " + version + "; this job reads versions "
                            + IDS_ONLY + " and " + VERSION);
                }
                int from = in.readInt();
                OutlierDetector theirs = from == medianSource ? outliers : OutlierDetector.discarding();
                theirs.readFrom(in);
                int ids = in.readInt();
                for (int i = 0; i < ids; i++) {
                    String id = in.readUTF();
                    if (version == IDS_ONLY) {
                        continue;
                    }
                    long closeTs = in.readLong();
                    long decidedAt = in.readLong();
                    if (KeyGroupRangeAssignment.assignKeyToParallelOperator(id, maxParallelism, parallelism) == subtask) {
                        lives.add(new Restored(id, closeTs, decidedAt));
                    }
                }
            }
        }
        // Several former subtasks' lives merge into one memory: back into decision order.
        lives.sort(Comparator.comparingLong(Restored::decidedAt));
        lives.forEach(l -> recentlyClosed.add(l.id(), l.closeTs(), l.decidedAt()));
    }

    private record Restored(String id, long closeTs, long decidedAt) {}
}
