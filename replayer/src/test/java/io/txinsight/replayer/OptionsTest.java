package io.txinsight.replayer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing of speed and topic routing, and the checks on options. */
class OptionsTest {

    @Test
    void speedParsesFactorsAndMax() {
        assertThat(Speed.parse("1").toNanos(1000)).isEqualTo(1_000_000_000L);
        assertThat(Speed.parse("10").toNanos(1000)).isEqualTo(100_000_000L);
        assertThat(Speed.parse("0.5").toNanos(1000)).isEqualTo(2_000_000_000L);
        assertThat(Speed.parse("2x").factor()).isEqualTo(2.0);
        assertThat(Speed.parse("MAX").isMax()).isTrue();
        assertThat(Speed.parse("max").toNanos(1000)).isZero();
        assertThat(Speed.parse("0.5")).hasToString("0.5x");
        assertThat(Speed.parse("10")).hasToString("10x");
        assertThatThrownBy(() -> Speed.parse("fast")).hasMessageContaining("use a factor such as 0.5, 1 or 10, or 'max'");
        assertThatThrownBy(() -> Speed.parse("0")).hasMessageContaining("positive");
        assertThatThrownBy(() -> Speed.parse("-2")).hasMessageContaining("positive");
    }

    @Test
    void topicMapWinsAndThePrefixAppliesToTheRest() {
        TopicRouting r = new TopicRouting(TopicRouting.parseMap(List.of("txn-events=staging-events")), "dev.");

        assertThat(r.route("txn-events")).isEqualTo("staging-events");
        assertThat(r.route("payments")).isEqualTo("dev.payments");
        assertThat(TopicRouting.IDENTITY.route("payments")).isEqualTo("payments");
        assertThatThrownBy(() -> TopicRouting.parseMap(List.of("no-equals-sign")))
                .hasMessageContaining("is not from=to");
        assertThatThrownBy(() -> TopicRouting.parseMap(List.of("a=")))
                .hasMessageContaining("is not from=to");
    }

    @Test
    void optionsRefuseWhatWouldBreakTheReplay() {
        Path f = Path.of("events.jsonl");
        assertThatThrownBy(() -> ReplayOptions.builder(f).build())
                .hasMessageContaining("--bootstrap-servers is required");
        assertThat(ReplayOptions.builder(f).dryRun(true).build().dryRun()).isTrue();
        assertThatThrownBy(() -> ReplayOptions.builder(f).bootstrapServers("k:9092").loops(0).build())
                .hasMessageContaining("--loop must be 1 or more");
        assertThatThrownBy(() -> ReplayOptions.builder(f).bootstrapServers("k:9092").kafkaProperty("transactional.id", "x").build())
                .hasMessageContaining("use --transactional-id-prefix");
        assertThatThrownBy(() -> ReplayOptions.builder(f).bootstrapServers("k:9092").from(5).to(5).build())
                .hasMessageContaining("--to (5) must be greater than --from (5)");
    }

    @Test
    void transactionTimeoutCoversTheLongestTransactionAtTheReplaySpeed() {
        long longestMs = 600_000;

        assertThat(Replayer.transactionTimeoutMs(longestMs, Speed.REAL_TIME)).isEqualTo(660_000);
        assertThat(Replayer.transactionTimeoutMs(longestMs, Speed.parse("10"))).isEqualTo(120_000);
        assertThat(Replayer.transactionTimeoutMs(longestMs, Speed.MAX)).isEqualTo(60_000);
    }
}
