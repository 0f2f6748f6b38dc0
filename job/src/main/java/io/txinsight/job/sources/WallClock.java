package io.txinsight.job.sources;

import java.io.Serializable;

/**
 * The wall clock, in epoch milliseconds. Injected so tests can drive time by hand; serializable
 * because it travels inside the source's deserializer and watermark strategy.
 */
@FunctionalInterface
public interface WallClock extends Serializable {
    long nowMs();

    WallClock SYSTEM = System::currentTimeMillis;
}
