package io.txinsight.replayer;

import io.txinsight.events.RecordKey;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one replay needs. Build with {@link #builder(Path)}:
 *
 * <pre>{@code
 * ReplayOptions opts = ReplayOptions.builder(Path.of("events.jsonl"))
 *         .bootstrapServers(kafka.bootstrapServers())
 *         .speed(Speed.parse("10"))
 *         .build();
 * ReplaySummary summary = new Replayer().replay(opts);
 * }</pre>
 */
public final class ReplayOptions {

    public static final String DEFAULT_TRANSACTIONAL_ID_PREFIX = "txinsight-replay";

    private final Path file;
    private final String bootstrapServers;
    private final Speed speed;
    private final TopicRouting routing;
    private final Map<String, String> kafkaProperties;
    private final int loops;
    private final boolean dryRun;
    private final long from;
    private final long to;
    private final String transactionalIdPrefix;
    private final boolean rebaseTime;
    private final RecordKey key;
    private final boolean progress;
    private final int parallelCommits;
    private final ReplayClock clock;
    private final Publisher.Factory publisherFactory;

    private ReplayOptions(Builder b) {
        this.file = Objects.requireNonNull(b.file, "file");
        this.bootstrapServers = b.bootstrapServers;
        this.speed = b.speed;
        this.routing = b.routing;
        this.kafkaProperties = Map.copyOf(b.kafkaProperties);
        this.loops = b.loops;
        this.dryRun = b.dryRun;
        this.from = b.from;
        this.to = b.to;
        this.transactionalIdPrefix = b.transactionalIdPrefix;
        this.rebaseTime = b.rebaseTime;
        this.key = b.key;
        this.progress = b.progress;
        this.parallelCommits = b.parallelCommits;
        this.clock = b.clock;
        this.publisherFactory = b.publisherFactory;
        if (loops < 1) {
            throw new IllegalArgumentException("--loop must be 1 or more, was " + loops);
        }
        if (from < 0) {
            throw new IllegalArgumentException("--from must be 0 or more, was " + from);
        }
        if (parallelCommits < 1) {
            throw new IllegalArgumentException("--parallel-commits must be 1 or more, was " + parallelCommits);
        }
        if (to <= from) {
            throw new IllegalArgumentException("--to (" + to + ") must be greater than --from (" + from + ")");
        }
        if (!dryRun && (bootstrapServers == null || bootstrapServers.isBlank())
                && !kafkaProperties.containsKey("bootstrap.servers")) {
            throw new IllegalArgumentException("--bootstrap-servers is required (unless --dry-run)");
        }
        for (String reserved : KafkaPublisher.RESERVED_PROPERTIES) {
            if (kafkaProperties.containsKey(reserved)) {
                throw new IllegalArgumentException("Kafka property '" + reserved + "' is set by the replayer"
                        + (reserved.equals("transactional.id") ? "; use --transactional-id-prefix instead" : ""));
            }
        }
    }

    public static Builder builder(Path file) {
        return new Builder(file);
    }

    public Path file() { return file; }

    public String bootstrapServers() {
        return bootstrapServers != null && !bootstrapServers.isBlank()
                ? bootstrapServers : kafkaProperties.get("bootstrap.servers");
    }

    public Speed speed() { return speed; }

    public TopicRouting routing() { return routing; }

    public Map<String, String> kafkaProperties() { return kafkaProperties; }

    public int loops() { return loops; }

    public boolean dryRun() { return dryRun; }

    public long from() { return from; }

    public long to() { return to; }

    /** The prefix as given, or null to use {@value #DEFAULT_TRANSACTIONAL_ID_PREFIX} plus a random suffix. */
    public String transactionalIdPrefix() { return transactionalIdPrefix; }

    public boolean rebaseTime() { return rebaseTime; }

    /** What records are keyed by, or null: the keys the file records. */
    public RecordKey key() { return key; }

    public boolean progress() { return progress; }

    /** Kafka producers per scenario producer, used in turn for its transactions (1 by default). */
    public int parallelCommits() { return parallelCommits; }

    public ReplayClock clock() { return clock; }

    public Publisher.Factory publisherFactory() { return publisherFactory; }

    public static final class Builder {
        private final Path file;
        private String bootstrapServers;
        private Speed speed = Speed.REAL_TIME;
        private TopicRouting routing = TopicRouting.IDENTITY;
        private final Map<String, String> kafkaProperties = new LinkedHashMap<>();
        private int loops = 1;
        private boolean dryRun;
        private long from;
        private long to = Long.MAX_VALUE;
        private String transactionalIdPrefix;
        private boolean rebaseTime;
        private RecordKey key;
        private boolean progress;
        private int parallelCommits = 1;
        private ReplayClock clock = ReplayClock.system();
        private Publisher.Factory publisherFactory = KafkaPublisher::new;

        private Builder(Path file) {
            this.file = file;
        }

        public Builder bootstrapServers(String servers) { this.bootstrapServers = servers; return this; }

        public Builder speed(Speed speed) { this.speed = Objects.requireNonNull(speed); return this; }

        public Builder routing(TopicRouting routing) { this.routing = Objects.requireNonNull(routing); return this; }

        public Builder kafkaProperty(String key, String value) { kafkaProperties.put(key, value); return this; }

        public Builder kafkaProperties(Map<String, String> props) { kafkaProperties.putAll(props); return this; }

        /** Replays the range this many times, one after the other. */
        public Builder loops(int loops) { this.loops = loops; return this; }

        /** Validates the file and reports the plan; publishes nothing and needs no Kafka. */
        public Builder dryRun(boolean dryRun) { this.dryRun = dryRun; return this; }

        /** First record position to publish (0-based, inclusive). */
        public Builder from(long from) { this.from = from; return this; }

        /** Position to stop before (0-based, exclusive). */
        public Builder to(long to) { this.to = to; return this; }

        public Builder transactionalIdPrefix(String prefix) { this.transactionalIdPrefix = prefix; return this; }

        /** Shifts every event's {@code ts} so the scenario's start is the replay's start. */
        public Builder rebaseTime(boolean rebase) { this.rebaseTime = rebase; return this; }

        /** Keys every business event's record by its txn_id or its transaction's account; null keeps the file's keys. */
        public Builder key(RecordKey key) { this.key = key; return this; }

        /** Shows a progress bar on stderr. */
        public Builder progress(boolean progress) { this.progress = progress; return this; }

        /**
         * Kafka producers per scenario producer, used in turn, so one transaction's commit overlaps
         * the next one's records; for replays faster than the cluster commits.
         */
        public Builder parallelCommits(int n) { this.parallelCommits = n; return this; }

        /** For tests: a fake clock drives the schedule without sleeping. */
        public Builder clock(ReplayClock clock) { this.clock = Objects.requireNonNull(clock); return this; }

        /** For tests: publish somewhere other than Kafka. */
        public Builder publisherFactory(Publisher.Factory factory) { this.publisherFactory = Objects.requireNonNull(factory); return this; }

        public ReplayOptions build() {
            return new ReplayOptions(this);
        }
    }
}
