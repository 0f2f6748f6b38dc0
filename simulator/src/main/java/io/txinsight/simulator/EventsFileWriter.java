package io.txinsight.simulator;

import com.fasterxml.jackson.core.JsonGenerator;
import io.txinsight.events.ScenarioCodec;
import io.txinsight.events.ScenarioRecord;
import java.io.BufferedOutputStream;
import java.io.CharArrayWriter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes {@code events.jsonl}, one record per line, in the order given, off the caller's thread.
 *
 * <p>Serialising a record (JSON, ISO timestamps) costs about twice as much as generating it. So
 * the model runs on the caller's thread and hands over batches; each batch is serialised by a
 * small pool (with {@link ScenarioCodec#lineWriter}, one generator per batch, every line ended by
 * a newline), and one writer thread appends the batches to the file strictly in hand-over order.
 * The output is the same bytes a single generator would write; bounded queues keep memory flat.
 */
public final class EventsFileWriter implements Workload.RecordSink, AutoCloseable {

    // Small enough that a batch's text (~150,000 chars) is no humongous allocation for G1.
    private static final int BATCH = 512;
    private static final Future<CharArrayWriter> END = CompletableFuture.completedFuture(null);

    private final ScenarioCodec codec;
    private final ExecutorService serializers;
    private final BlockingQueue<Future<CharArrayWriter>> inOrder;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread writer;
    private List<ScenarioRecord> batch = new ArrayList<>(BATCH);
    private boolean closed;

    public EventsFileWriter(Path file, ScenarioCodec codec) throws IOException {
        this.codec = codec;
        int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        this.serializers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "events-serializer");
            t.setDaemon(true);
            return t;
        });
        this.inOrder = new ArrayBlockingQueue<>(2 * threads + 2);
        // Opened here so a bad path fails in the caller, not later on the writer thread.
        Writer out = new OutputStreamWriter(
                new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), StandardCharsets.UTF_8);
        writer = new Thread(() -> drain(out), "events-writer");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void accept(ScenarioRecord record) throws IOException {
        batch.add(record);
        if (batch.size() == BATCH) {
            submit(batch);
            batch = new ArrayList<>(BATCH);
        }
    }

    /** Writes what is left and waits until the file is complete. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (!batch.isEmpty()) {
                submit(batch);
            }
            handOver(END);
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while finishing the events file");
        } finally {
            serializers.shutdownNow();
        }
        rethrow();
    }

    private void submit(List<ScenarioRecord> records) throws IOException {
        try {
            handOver(serializers.submit(() -> serialize(records)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing the events file");
        }
    }

    private void handOver(Future<CharArrayWriter> f) throws IOException, InterruptedException {
        while (!inOrder.offer(f, 100, TimeUnit.MILLISECONDS)) {
            rethrow();
        }
    }

    private CharArrayWriter serialize(List<ScenarioRecord> records) throws IOException {
        CharArrayWriter chars = new CharArrayWriter(records.size() * 260);
        try (JsonGenerator gen = codec.lineWriter(chars)) {
            for (int i = 0; i < records.size(); i++) {
                codec.write(records.get(i), gen);
            }
            gen.writeRaw('\n'); // ends the batch's last line; the root separator ends the others
        }
        return chars;
    }

    private void drain(Writer out) {
        try (out) {
            Future<CharArrayWriter> f;
            while ((f = inOrder.take()) != END) {
                f.get().writeTo(out);
            }
        } catch (ExecutionException e) {
            failure.compareAndSet(null, e.getCause());
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
        if (failure.get() != null) {
            inOrder.clear(); // unblock the caller; it sees the failure on its next hand-over
        }
    }

    private void rethrow() throws IOException {
        Throwable t = failure.get();
        if (t != null) {
            throw new IOException("cannot write the events file: " + t.getMessage(), t);
        }
    }
}
