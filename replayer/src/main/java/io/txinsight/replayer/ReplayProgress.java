package io.txinsight.replayer;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar with rate and ETA on stderr, or nothing when there is no terminal to draw it on. */
final class ReplayProgress implements AutoCloseable {

    private final ProgressBar bar;

    private ReplayProgress(ProgressBar bar) {
        this.bar = bar;
    }

    static ReplayProgress none() {
        return new ReplayProgress(null);
    }

    static ReplayProgress onStderr(long total) {
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName("replay")
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(" rec", 1)
                .showSpeed()
                .setUpdateIntervalMillis(500)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .build();
        return new ReplayProgress(bar);
    }

    void stepTo(long done) {
        if (bar != null) {
            bar.stepTo(done);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }

    /**
     * Whether stderr is a terminal. Java cannot tell for stderr alone; the native isatty from jline
     * (already on the class path for the progress bar) can. Without it, fall back to "is there a
     * console", which is false whenever stdin or stdout is redirected.
     */
    static boolean stderrIsTerminal() {
        try {
            return org.jline.nativ.CLibrary.isatty(2) == 1;
        } catch (Throwable noNativeLibrary) {
            return System.console() != null;
        }
    }
}
