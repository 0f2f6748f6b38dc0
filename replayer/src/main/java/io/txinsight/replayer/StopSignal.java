package io.txinsight.replayer;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/** A stop request from another thread (or an interrupt), and a way to wake the replay to see it. */
final class StopSignal {

    private final AtomicBoolean requested = new AtomicBoolean();
    private volatile Thread runner;
    private volatile boolean interrupted;

    void runOn(Thread thread) {
        runner = thread;
    }

    void request() {
        requested.set(true);
        Thread t = runner;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** The replay thread was interrupted: stop, and tell the caller afterwards. */
    void interrupted() {
        interrupted = true;
        requested.set(true);
    }

    boolean requested() {
        return requested.get();
    }

    boolean wasInterrupted() {
        return interrupted;
    }
}
