package io.txinsight.simulator.model;

/** The one trouble (at most) injected into a business transaction. */
public enum Trouble {
    NONE,
    /** One step far slower than usual: the duration lands well above the outlier threshold. */
    OUTLIER,
    /** Stops emitting before the close and never closes. */
    STUCK,
    /** Goes silent for longer than the stuck timeout, then closes. */
    LATE_CLOSE
}
