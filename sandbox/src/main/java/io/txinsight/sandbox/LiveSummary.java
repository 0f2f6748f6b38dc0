package io.txinsight.sandbox;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;

/**
 * The compact line the sandbox prints every few seconds, read from the job's own Prometheus
 * endpoint: exactly what an operator's Prometheus would see.
 */
final class LiveSummary {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI endpoint;
    private final PrintStream out;
    private double lastEvents = -1;
    private long lastNanos;
    private MetricsPage lastPage;

    LiveSummary(URI endpoint, PrintStream out) {
        this.endpoint = endpoint;
        this.out = out;
    }

    /** Scrapes once and prints one line; a failed scrape prints why and is not fatal. */
    void printOnce() {
        MetricsPage page;
        try {
            page = MetricsPage.fetch(http, endpoint);
        } catch (Exception e) {
            out.println(time() + "  metrics not available yet from " + endpoint + " (" + e.getMessage() + ")");
            return;
        }
        lastPage = page;
        if (page.isEmpty()) {
            out.println(time() + "  job starting: no txinsights metrics yet");
            return;
        }
        long now = System.nanoTime();
        double events = page.sum("txinsights_events", s -> "monitor".equals(s.labels().get("view")));
        String rate = "-";
        if (lastEvents >= 0 && now > lastNanos) {
            rate = String.format("%,.0f", (events - lastEvents) / ((now - lastNanos) / 1e9));
        }
        lastEvents = events;
        lastNanos = now;
        try {
            out.println(line(page, rate));
        } catch (RuntimeException e) {
            // A summary line is a convenience: an unexpected series must not stop the sandbox.
            out.println(time() + "  could not summarise the metrics: " + e);
        }
    }

    static String line(MetricsPage page, String eventsPerSecond) {
        double p99 = page.quantile("txinsights_duration_ms_bucket", 0.99);
        return String.format(
                "%s  events/s %s | open %,.0f | tentatively closed %,.0f | closed %,.0f (failed %,.0f) | aborted %,.0f"
                        + " | stuck %,.0f (now %,.0f) | p99 duration %s | committed-view lag %s | malformed %,.0f",
                time(),
                eventsPerSecond,
                page.sum("txinsights_open_now"),
                page.sum("txinsights_tentatively_closed_now"),
                page.sum("txinsights_closed"),
                page.sum("txinsights_closed", s -> "failed".equals(s.labels().get("status"))),
                page.sum("txinsights_aborted"),
                page.sum("txinsights_stuck"),
                page.sum("txinsights_stuck_now"),
                Double.isNaN(p99) ? "-" : millis(p99),
                millis(page.max("txinsights_committed_view_lag_ms")),
                page.sum("txinsights_malformed"));
    }

    /** The last page scraped, or null. */
    MetricsPage lastPage() {
        return lastPage;
    }

    private static String millis(double ms) {
        return ms >= 1000 ? String.format("%.1fs", ms / 1000) : String.format("%.0fms", ms);
    }

    private static String time() {
        return LocalTime.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
