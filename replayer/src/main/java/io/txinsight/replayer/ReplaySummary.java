package io.txinsight.replayer;

import io.txinsight.events.EventTime;
import io.txinsight.events.TxnFate;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * What a replay did: how many records and transactions, how fast, and how closely it kept to the
 * schedule.
 *
 * @param plan what the validation pass found
 * @param dryRun true when nothing was published
 * @param stopped true when {@link Replayer#stop()} (or Ctrl-C) cut the replay short
 * @param loopsCompleted passes over the range that ran to their end
 * @param speed the replay speed
 * @param topicRoutes scenario topic to destination topic
 * @param transactionalIdPrefix the prefix of every {@code transactional.id} used
 * @param parallelCommits Kafka producers per scenario producer
 * @param records records handed to Kafka
 * @param plainRecords of which written without a transaction
 * @param committed transactions committed
 * @param aborted transactions aborted (fate {@code abort})
 * @param hung transactions held open and then aborted (fate {@code hang})
 * @param abortedOnStop transactions aborted early because the replay was stopped
 * @param validation time the validation pass took
 * @param elapsed time spent publishing (after the producers were ready)
 * @param startedAtEpochMs wall-clock time of the first pass's schedule start (scenario time {@code baseMs})
 * @param lagSamples records whose lag was measured (none at {@code --speed max})
 * @param lagP50Ms median of how late records were handed to Kafka
 * @param lagP99Ms 99th percentile of it
 * @param lagMaxMs the worst of it
 * @param ackSamples records whose acknowledgement by Kafka was timed against their schedule
 * @param ackP50Ms median of how long after it was due Kafka acknowledged a record (linger.ms and the
 *     produce round trip on top of the lag)
 * @param ackP99Ms 99th percentile of it
 */
public record ReplaySummary(
        ScenarioPlan plan,
        boolean dryRun,
        boolean stopped,
        int loopsCompleted,
        Speed speed,
        Map<String, String> topicRoutes,
        String transactionalIdPrefix,
        int parallelCommits,
        long records,
        long plainRecords,
        long committed,
        long aborted,
        long hung,
        long abortedOnStop,
        Duration validation,
        Duration elapsed,
        long startedAtEpochMs,
        long lagSamples,
        double lagP50Ms,
        double lagP99Ms,
        double lagMaxMs,
        long ackSamples,
        double ackP50Ms,
        double ackP99Ms) {

    /** Above this p99 lag the summary suggests --parallel-commits. */
    static final double LATE_HINT_MS = 20;

    public long transactionsEnded() {
        return committed + aborted + hung + abortedOnStop;
    }

    /** Records per second over the publishing time. */
    public double recordsPerSecond() {
        double s = elapsed.toNanos() / 1e9;
        return s <= 0 ? 0 : records / s;
    }

    /** The summary as the command line prints it. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        String range = "positions " + plan.from() + "-" + (plan.to() - 1) + " of " + plan.totalRecords();
        if (dryRun) {
            sb.append(String.format(Locale.ROOT, "dry run: %s is valid (%d records).%n", plan.file(), plan.totalRecords()));
            sb.append(String.format(Locale.ROOT, "  would replay: %d records (%s), %s of scenario time, %s at %s%n",
                    plan.rangeRecords(), range, seconds(plan.durationMs() / 1000.0),
                    speed.isMax() ? "as fast as Kafka takes them" : seconds(plan.durationMs() / 1000.0 / speed.factor()), speed));
            sb.append(String.format(Locale.ROOT, "  transactions: %d commit, %d abort, %d hang, from %d producers; %d records without a transaction%n",
                    plan.transactions(TxnFate.COMMIT), plan.transactions(TxnFate.ABORT), plan.transactions(TxnFate.HANG),
                    plan.producers().size(), plan.plainRecords()));
            sb.append("  topics: ").append(routes()).append(System.lineSeparator());
            sb.append(plan.sliceable()
                    ? "  values: every line is in canonical form; values go out exactly as written (fast path)"
                    : "  values: some lines are not in canonical form; every value is decoded and encoded again").append(System.lineSeparator());
            sb.append("Nothing was published.").append(System.lineSeparator());
            return sb.toString();
        }
        sb.append(String.format(Locale.ROOT, "%s %d records from %s (%s) in %s at %s, %d loop%s%s%n",
                stopped ? "STOPPED after" : "replayed", records, plan.file(), range, seconds(elapsed.toNanos() / 1e9),
                speed, loopsCompleted, loopsCompleted == 1 ? "" : "s", stopped ? " completed" : ""));
        sb.append(String.format(Locale.ROOT, "  transactions: %d committed, %d aborted, %d hung (held open, then aborted)%s; %d records without a transaction%n",
                committed, aborted, hung, abortedOnStop > 0 ? ", " + abortedOnStop + " aborted early by the stop" : "", plainRecords));
        sb.append(String.format(Locale.ROOT, "  rate: %,.0f records/s (validation pass before it: %s)%n",
                recordsPerSecond(), seconds(validation.toNanos() / 1e9)));
        if (lagSamples > 0) {
            sb.append(String.format(Locale.ROOT, "  behind schedule: p50 %.2f ms, p99 %.2f ms, max %.2f ms (when each record was handed to Kafka vs when it was due)%n",
                    lagP50Ms, lagP99Ms, lagMaxMs));
            if (ackSamples > 0) {
                sb.append(String.format(Locale.ROOT, "  acknowledged by Kafka: p50 %.2f ms, p99 %.2f ms after due (linger.ms and the produce round trip on top)%n",
                        ackP50Ms, ackP99Ms));
            }
            if (lagP99Ms > LATE_HINT_MS && parallelCommits == 1 && committed + aborted + hung > 0) {
                sb.append("  hint: a Kafka producer commits at most once per round trip; if the scenario's transactions are"
                        + " short at this speed, --parallel-commits 4 lets commits overlap (a busy machine makes records"
                        + " late too)").append(System.lineSeparator());
            }
        } else {
            sb.append("  behind schedule: not measured (--speed max has no schedule)").append(System.lineSeparator());
        }
        sb.append("  topics: ").append(routes()).append(System.lineSeparator());
        sb.append("  transactional.id prefix: ").append(transactionalIdPrefix).append(System.lineSeparator());
        sb.append(String.format(Locale.ROOT, "  schedule start: %s (epoch ms %d)%n", EventTime.format(startedAtEpochMs), startedAtEpochMs));
        return sb.toString();
    }

    private String routes() {
        StringJoiner j = new StringJoiner(", ");
        topicRoutes.forEach((from, to) -> j.add(from.equals(to) ? from : from + " -> " + to));
        return j.toString();
    }

    private static String seconds(double s) {
        return s < 100 ? String.format(Locale.ROOT, "%.1f s", s) : Duration.ofSeconds(Math.round(s)).toString().substring(2).toLowerCase(Locale.ROOT);
    }
}
