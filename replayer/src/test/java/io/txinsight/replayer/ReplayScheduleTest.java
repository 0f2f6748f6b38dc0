package io.txinsight.replayer;

import static io.txinsight.events.TxnFate.ABORT;
import static io.txinsight.events.TxnFate.COMMIT;
import static io.txinsight.events.TxnFate.HANG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.txinsight.events.EventCodec;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schedule alone: a fake clock and a recording publisher, no Kafka and no real sleeping. */
class ReplayScheduleTest {

    @TempDir
    Path dir;

    private final FakeClock clock = new FakeClock(2_000_000_000_000L);
    private final RecordingPublisher publisher = new RecordingPublisher(clock);

    private ReplaySummary replay(ScenarioFile scenario, ReplayOptions.Builder options) throws Exception {
        return new Replayer().replay(options.build());
    }

    private ReplayOptions.Builder options(ScenarioFile scenario) {
        Path file = scenario.writeTo(dir.resolve("events.jsonl"));
        return ReplayOptions.builder(file)
                .bootstrapServers("unused:9092")
                .clock(clock)
                .publisherFactory(publisher::open);
    }

    @Test
    void recordsAndTransactionEndsHappenAtTheirScenarioTimeInterleavedAcrossProducers() throws Exception {
        ScenarioFile s = new ScenarioFile()
                .txn(100, "a", "p1", 0, COMMIT, 400)
                .txn(150, "b", "p2", 0, ABORT, 250)
                .plain(200, "z")
                .txn(300, "a", "p1", 0, COMMIT, 400)
                .txn(400, "c", "p2", 1, COMMIT, 500)
                .txn(450, "a", "p1", 1, COMMIT, 600);

        ReplaySummary summary = replay(s, options(s));

        assertThat(publisher.lines()).containsExactly(
                "0.0 begin p1",
                "100.0 send p1 txn-events/a",
                "100.0 begin p2",
                "150.0 send p2 txn-events/b",
                "200.0 send - txn-events/z",
                "250.0 abort p2",
                "300.0 send p1 txn-events/a",
                "300.0 begin p2",
                "400.0 send p2 txn-events/c",
                "400.0 commit p1",
                "400.0 begin p1",
                "450.0 send p1 txn-events/a",
                "500.0 commit p2",
                "600.0 commit p1");
        assertThat(summary.records()).isEqualTo(6);
        assertThat(summary.plainRecords()).isEqualTo(1);
        assertThat(summary.committed()).isEqualTo(3);
        assertThat(summary.aborted()).isEqualTo(1);
        assertThat(summary.elapsed().toMillis()).isEqualTo(600);
        assertThat(summary.lagMaxMs()).isZero();
        assertThat(publisher.closed).isTrue();
    }

    @Test
    void speedScalesEveryWaitAndMaxDoesNotWaitAtAll() throws Exception {
        ScenarioFile s = new ScenarioFile()
                .txn(1000, "a", "p1", 0, COMMIT, 3000)
                .plain(2000, "z");

        replay(s, options(s).speed(Speed.parse("10")));
        assertThat(publisher.lines()).containsExactly(
                "0.0 begin p1", "100.0 send p1 txn-events/a", "200.0 send - txn-events/z", "300.0 commit p1");

        publisher.calls.clear();
        clock.sleeps = 0;
        long before = clock.nanoTime();
        replay(s, options(s).speed(Speed.parse("0.5")));
        assertThat(publisher.sends().get(1).atMs() - before / 1e6).isEqualTo(4000.0);

        publisher.calls.clear();
        clock.sleeps = 0;
        ReplaySummary max = replay(s, options(s).speed(Speed.MAX));
        assertThat(clock.sleeps).isZero();
        assertThat(publisher.lines()).extracting(l -> l.substring(l.indexOf(' ') + 1)).containsExactly(
                "begin p1", "send p1 txn-events/a", "send - txn-events/z", "commit p1");
        assertThat(max.lagSamples()).isZero();
    }

    @Test
    void slowPublishingDoesNotAccumulateIntoDrift() throws Exception {
        // 1000 records 1 ms apart; each send takes 0.9 ms. Sleeping "1 ms after the previous record"
        // would end 900 ms late; waiting for absolute targets ends on time.
        ScenarioFile s = new ScenarioFile();
        for (int i = 0; i < 1000; i++) {
            s.plain(i, "k" + (i % 7));
        }
        publisher.sendCost(900_000);

        ReplaySummary summary = replay(s, options(s));

        assertThat(publisher.sends()).hasSize(1000);
        for (int i = 0; i < 1000; i++) {
            assertThat(publisher.sends().get(i).atMs()).isEqualTo(i);
        }
        assertThat(summary.lagMaxMs()).isZero();
    }

    @Test
    void whenPublishingIsSlowerThanTheScheduleTheLagIsReported() throws Exception {
        // 10 records 1 ms apart, each send takes 1.5 ms: record i goes out i * 0.5 ms late.
        ScenarioFile s = new ScenarioFile();
        for (int i = 0; i < 10; i++) {
            s.plain(i, "k");
        }
        publisher.sendCost(1_500_000);

        ReplaySummary summary = replay(s, options(s));

        assertThat(publisher.sends().get(9).atMs()).isEqualTo(13.5);
        assertThat(summary.lagMaxMs()).isCloseTo(4.5, within(0.01));
        assertThat(summary.lagP50Ms()).isCloseTo(2.0, within(0.01));
        assertThat(summary.render()).contains("max 4.50 ms");
    }

    @Test
    void aLateReplayWithTransactionsSuggestsParallelCommits() throws Exception {
        ScenarioFile s = new ScenarioFile();
        for (int i = 0; i < 100; i++) {
            s.txn(i, "k", "p1", i, COMMIT, i); // a transaction per millisecond, each send takes 2 ms
        }
        publisher.sendCost(2_000_000);

        assertThat(replay(s, options(s)).render()).contains("hint:", "--parallel-commits 4");
        assertThat(replay(s, options(s).parallelCommits(2)).render()).doesNotContain("hint:");
    }

    @Test
    void aHangIsHeldForItsRecordedTimeOrUntilTheEndOfTheReplayAndThenAborted() throws Exception {
        ScenarioFile s = new ScenarioFile()
                .txn(100, "h1", "stuck-1", 0, HANG, 1000) // released at its end_ms
                .txn(200, "h2", "stuck-2", 0, HANG, 60_000) // outlives the scenario: released at its end
                .txn(300, "a", "p1", 0, COMMIT, 2500)
                .plain(2000, "z");

        ReplaySummary summary = replay(s, options(s));

        assertThat(publisher.lines()).containsExactly(
                "0.0 begin stuck-1",
                "100.0 send stuck-1 txn-events/h1",
                "100.0 begin stuck-2",
                "200.0 send stuck-2 txn-events/h2",
                "200.0 begin p1",
                "300.0 send p1 txn-events/a",
                "1000.0 abort stuck-1",
                "2000.0 send - txn-events/z",
                "2500.0 abort stuck-2",
                "2500.0 commit p1");
        assertThat(summary.hung()).isEqualTo(2);
        assertThat(summary.committed()).isEqualTo(1);
        assertThat(publisher.setup.transactionTimeoutMs())
                .as("long enough for the longest hold (2300 ms) plus head room")
                .isGreaterThanOrEqualTo(2300 + 60_000);
    }

    @Test
    void aTransactionEndingAtTheSameMillisecondAsARecordStillCarriesIt() throws Exception {
        ScenarioFile s = new ScenarioFile()
                .txn(100, "a", "p1", 0, COMMIT, 200)
                .txn(200, "b", "p2", 0, COMMIT, 300)
                .txn(200, "a", "p1", 0, COMMIT, 200) // same ms as its end: sent, then committed
                .txn(200, "a", "p1", 1, COMMIT, 300); // next transaction of p1 begins after the commit

        replay(s, options(s));

        assertThat(publisher.lines()).containsExactly(
                "0.0 begin p1", "100.0 send p1 txn-events/a",
                "100.0 begin p2", "200.0 send p2 txn-events/b",
                "200.0 send p1 txn-events/a",
                "200.0 commit p1", "200.0 begin p1", "200.0 send p1 txn-events/a",
                "300.0 commit p2", "300.0 commit p1");
    }

    @Test
    void fromAndToSelectPositionsAndTheScheduleStartsAtTheFirstSelectedRecord() throws Exception {
        ScenarioFile s = new ScenarioFile()
                .plain(0, "r0").plain(1000, "r1").plain(1500, "r2").plain(1700, "r3").plain(5000, "r4");

        ReplaySummary summary = replay(s, options(s).from(1).to(4));

        assertThat(publisher.lines()).containsExactly(
                "0.0 send - txn-events/r1", "500.0 send - txn-events/r2", "700.0 send - txn-events/r3");
        assertThat(summary.plan().rangeRecords()).isEqualTo(3);
        assertThat(summary.plan().totalRecords()).isEqualTo(5);
    }

    @Test
    void aRangeThatCutsATransactionStillEndsItAtItsRecordedTime() throws Exception {
        ScenarioFile s = new ScenarioFile()
                .txn(100, "a", "p1", 0, COMMIT, 900)
                .txn(200, "a", "p1", 0, COMMIT, 900)
                .plain(300, "z");

        replay(s, options(s).from(1).to(2));

        assertThat(publisher.lines()).containsExactly(
                "0.0 begin p1", "0.0 send p1 txn-events/a", "700.0 commit p1");
    }

    @Test
    void loopReplaysTheRangeAgainAfterThePreviousPassEnds() throws Exception {
        ScenarioFile s = new ScenarioFile().txn(100, "a", "p1", 0, COMMIT, 300).plain(200, "z");

        ReplaySummary summary = replay(s, options(s).loops(3));

        assertThat(publisher.lines()).containsExactly(
                "0.0 begin p1", "100.0 send p1 txn-events/a", "200.0 send - txn-events/z", "300.0 commit p1",
                "300.0 begin p1", "400.0 send p1 txn-events/a", "500.0 send - txn-events/z", "600.0 commit p1",
                "600.0 begin p1", "700.0 send p1 txn-events/a", "800.0 send - txn-events/z", "900.0 commit p1");
        assertThat(summary.loopsCompleted()).isEqualTo(3);
        assertThat(summary.records()).isEqualTo(6);
        assertThat(summary.committed()).isEqualTo(3);
    }

    @Test
    void rebaseTimeShiftsEventTimestampsSoTheScenarioStartsNow() throws Exception {
        ScenarioFile s = new ScenarioFile().plain(100, "a").plain(250, "b").raw(300, "c", "not json");
        EventCodec codec = new EventCodec();
        clock.advanceNanos(5_000_000_000L); // the replay starts 5 s after the fake epoch origin
        long replayStart = clock.epochMillis();

        replay(s, options(s).rebaseTime(true));

        assertThat(codec.decode(publisher.sends().get(0).value()).event().ts()).isEqualTo(replayStart + 100);
        assertThat(codec.decode(publisher.sends().get(1).value()).event().ts()).isEqualTo(replayStart + 250);
        assertThat(new String(publisher.sends().get(2).value())).isEqualTo("not json");

        publisher.calls.clear();
        replay(s, options(s));
        assertThat(codec.decode(publisher.sends().get(0).value()).event().ts())
                .as("without --rebase-time the file's timestamps go out unchanged")
                .isEqualTo(ScenarioFile.START_EPOCH_MS + 100);
    }

    @Test
    void topicMapAndPrefixRouteEveryRecord() throws Exception {
        ScenarioFile s = new ScenarioFile().plain(0, "a").topic("other").plain(1, "b").topic("third").plain(2, "c");

        ReplaySummary summary = replay(s, options(s).routing(new TopicRouting(
                TopicRouting.parseMap(java.util.List.of("txn-events=staging-events")), "pre.")));

        assertThat(publisher.sends()).extracting(RecordingPublisher.Call::topic)
                .containsExactly("staging-events", "pre.other", "pre.third");
        assertThat(publisher.setup.topics()).containsExactlyInAnyOrder("staging-events", "pre.other", "pre.third");
        assertThat(summary.render()).contains("txn-events -> staging-events");
    }

    @Test
    void stopFromAnotherThreadEndsThePassAndAbortsOpenTransactions() throws Exception {
        ScenarioFile s = new ScenarioFile()
                .txn(100, "a", "p1", 0, COMMIT, 1000)
                .txn(200, "b", "p2", 0, COMMIT, 1000)
                .plain(300, "z")
                .plain(400, "y");
        Replayer replayer = new Replayer();
        publisher.onCall = c -> {
            if (c.what().equals("send") && "z".equals(c.key())) {
                replayer.stop();
            }
        };

        ReplaySummary summary = replayer.replay(options(s).loops(5).build());

        assertThat(summary.stopped()).isTrue();
        assertThat(summary.records()).isEqualTo(3);
        assertThat(summary.abortedOnStop()).isEqualTo(2);
        assertThat(summary.loopsCompleted()).isZero();
        assertThat(publisher.lines()).noneMatch(l -> l.contains("txn-events/y"));
        assertThat(publisher.lines().subList(publisher.lines().size() - 2, publisher.lines().size()))
                .containsExactlyInAnyOrder("300.0 abort p1", "300.0 abort p2");
        assertThat(publisher.calls.stream().filter(c -> c.what().equals("abort")).map(RecordingPublisher.Call::producer))
                .containsExactlyInAnyOrder("p1", "p2");
        assertThat(clock.millis()).isLessThan(400);
    }

    @Test
    void dryRunValidatesAndPlansButPublishesNothing() throws Exception {
        ScenarioFile s = new ScenarioFile()
                .txn(100, "a", "p1", 0, COMMIT, 300)
                .txn(150, "b", "p2", 0, HANG, 9000)
                .plain(2000, "z");
        boolean[] opened = {false};

        ReplaySummary summary = new Replayer().replay(options(s).dryRun(true).bootstrapServers(null)
                .publisherFactory(setup -> {
                    opened[0] = true;
                    return publisher;
                }).build());

        assertThat(opened[0]).isFalse();
        assertThat(summary.dryRun()).isTrue();
        assertThat(summary.plan().producers()).containsExactly("p1", "p2");
        assertThat(summary.plan().durationMs()).isEqualTo(2000);
        assertThat(summary.render()).contains("is valid (3 records)", "1 commit, 0 abort, 1 hang, from 2 producers",
                "Nothing was published");
    }
}
