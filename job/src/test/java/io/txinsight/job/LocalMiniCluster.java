package io.txinsight.job;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The MiniCluster the job's tests run on: one TaskManager in this JVM, with enough slots for the test. */
public final class LocalMiniCluster {
    private LocalMiniCluster() {}

    /** Register as a static field with {@code @RegisterExtension}. */
    public static MiniClusterExtension withSlots(int slots) {
        return withSlots(slots, new Configuration());
    }

    /** The same, with cluster configuration such as a metric reporter. */
    public static MiniClusterExtension withSlots(int slots, Configuration configuration) {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(configuration)
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(slots)
                .build());
    }
}
