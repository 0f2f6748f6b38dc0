package io.txinsight.simulator.cli;

import java.time.temporal.ChronoUnit;
import java.util.function.LongConsumer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr for runs long enough to need one; stdout stays clean for the summary
 * (and for scripts that read it).
 */
final class Progress implements LongConsumer, AutoCloseable {

    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    /** A bar counting transactions up to {@code expected}, or a silent one when not {@code shown}. */
    static Progress of(String task, long expected, boolean shown) {
        if (!shown) {
            return new Progress(null);
        }
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(expected)
                .setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .setUpdateIntervalMillis(250)
                .setUnit(" txn", 1)
                .showSpeed()
                .setSpeedUnit(ChronoUnit.SECONDS)
                .build();
        return new Progress(bar);
    }

    @Override
    public void accept(long transactions) {
        if (bar != null) {
            if (transactions > bar.getMax()) {
                bar.maxHint(transactions);
            }
            bar.stepTo(transactions);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
