package io.txinsight.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.txinsight.job.sources.KafkaInput;
import io.txinsight.job.sources.StartingOffsets;
import io.txinsight.job.tracker.TrackerSettings;
import io.txinsight.job.velocity.rule.VelocityLimits;
import io.txinsight.job.velocity.rule.VelocitySettings;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobOptionsTest {

    @Test
    void everyOptionHasADefault() {
        JobOptions o = JobOptions.parse();
        assertThat(o.helpRequested()).isFalse();
        JobConfig c = o.config();
        assertThat(c.bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(c.input().topics()).containsExactly("txn-events");
        assertThat(c.input().topicPattern()).isNull();
        assertThat(c.input().monitorGroupId()).isEqualTo("txinsight-monitor");
        assertThat(c.input().committedGroupId()).isEqualTo("txinsight-committed");
        assertThat(c.input().startingOffsets()).isEqualTo(StartingOffsets.COMMITTED);
        assertThat(c.tracker().stuckTimeoutMs()).isEqualTo(60_000);
        assertThat(c.tracker().abortGraceMs()).isEqualTo(5_000);
        assertThat(c.tracker().abortRecheckMs()).isEqualTo(1_000);
        assertThat(c.outOfOrdernessMs()).isEqualTo(2_000);
        assertThat(c.idleAdvanceAfterMs()).isEqualTo(2_000);
        assertThat(c.tracker().retentionMs()).isEqualTo(3_600_000);
        assertThat(c.tracker().outlierFactor()).isEqualTo(4.0);
        assertThat(c.tracker().outlierWarmup()).isEqualTo(20);
        assertThat(c.outputs().outcomesTopic()).isEqualTo("txn-outcomes");
        assertThat(c.outputs().alertsTopic()).isEqualTo("txn-alerts");
        assertThat(c.outputs().deadLetterTopic()).isEqualTo("txn-dead-letters");
        assertThat(c.checkpointIntervalMs()).isEqualTo(10_000);
        assertThat(c.parallelism()).isZero();
        assertThat(c.outputs().transactionalIdPrefix()).isEqualTo("txinsight");
        assertThat(c.jobName()).isEqualTo("txinsight");
        assertThat(c.kafkaTransactions().intervalMs()).isEqualTo(5_000);
        assertThat(c.kafkaTransactions().longOpenAfterMs()).isEqualTo(300_000);
        assertThat(c.kafkaTransactions().maxTransactionTimeoutMs()).isEqualTo(900_000);
        // The command line's defaults are the configuration's, written once.
        assertThat(c).isEqualTo(JobConfig.DEFAULTS);
    }

    @Test
    void parsesEveryOption() {
        JobOptions o = JobOptions.parse(
                "--bootstrap-servers", "k1:9092,k2:9092",
                "--topics", "payments, transfers",
                "--monitor-group-id", "m",
                "--committed-group-id", "c",
                "--starting-offsets", "EARLIEST",
                "--stuck-timeout", "90s",
                "--stuck-timeout.settlement=15m",
                "--stuck-timeout.refund", "2m",
                "--abort-grace", "500ms",
                "--abort-recheck", "250ms",
                "--out-of-orderness=3s",
                "--idle-advance-after", "5s",
                "--retention", "2h",
                "--outlier-factor", "3.5",
                "--outlier-warmup", "50",
                "--slo.payment=2s",
                "--velocity-count", "10",
                "--velocity-amount", "9999.99",
                "--velocity-window", "1m",
                "--velocity-count.withdrawal=2",
                "--velocity-window.withdrawal", "1h",
                "--velocity-amount.transfer=5000",
                "--outcomes-topic", "o",
                "--alerts-topic", "a",
                "--dead-letter-topic", "d",
                "--checkpoint-interval", "0",
                "--parallelism", "4",
                "--transactional-id-prefix", "tx-prod",
                "--job-name", "txinsight-prod");
        JobConfig c = o.config();
        assertThat(c.bootstrapServers()).isEqualTo("k1:9092,k2:9092");
        assertThat(c.input().topics()).containsExactly("payments", "transfers");
        assertThat(c.input().monitorGroupId()).isEqualTo("m");
        assertThat(c.input().committedGroupId()).isEqualTo("c");
        assertThat(c.input().startingOffsets()).isEqualTo(StartingOffsets.EARLIEST);
        assertThat(c.outOfOrdernessMs()).isEqualTo(3_000);
        assertThat(c.idleAdvanceAfterMs()).isEqualTo(5_000);
        assertThat(c.outputs()).isEqualTo(new JobConfig.Outputs("o", "a", "d", "tx-prod"));
        assertThat(c.checkpointIntervalMs()).isZero();
        assertThat(c.parallelism()).isEqualTo(4);
        assertThat(c.jobName()).isEqualTo("txinsight-prod");

        TrackerSettings s = c.tracker();
        assertThat(s.stuckTimeoutMs()).isEqualTo(90_000);
        assertThat(s.stuckTimeoutFor("settlement")).isEqualTo(900_000);
        assertThat(s.stuckTimeoutFor("refund")).isEqualTo(120_000);
        assertThat(s.stuckTimeoutFor("payment")).isEqualTo(90_000);
        assertThat(s.abortGraceMs()).isEqualTo(500);
        assertThat(s.abortRecheckMs()).isEqualTo(250);
        assertThat(s.retentionMs()).isEqualTo(7_200_000);
        assertThat(s.outlierFactor()).isEqualTo(3.5);
        assertThat(s.outlierWarmup()).isEqualTo(50);
        assertThat(s.sloByTypeMs()).containsExactly(Map.entry("payment", 2_000L));

        VelocitySettings v = c.velocity();
        VelocityLimits defaults = new VelocityLimits(10, new BigDecimal("9999.99"), 60_000);
        assertThat(v.defaults()).isEqualTo(defaults);
        assertThat(v.byType()).containsOnly(
                Map.entry("withdrawal", defaults.withMaxCount(2).withWindowMs(3_600_000)),
                Map.entry("transfer", defaults.withMaxAmount(new BigDecimal("5000"))));
        assertThat(v.ruleOf("payment")).isNull();
        assertThat(v.ruleOf("withdrawal")).isEqualTo("withdrawal");
    }

    @Test
    void velocityLimitsAreChecked() {
        assertInvalid(List.of("--velocity-count", "0"), "--velocity-count", "at least 1");
        assertInvalid(List.of("--velocity-amount", "-5"), "--velocity-amount", "positive");
        assertInvalid(List.of("--velocity-window", "3"), "--velocity-window", "unit");
        assertInvalid(List.of("--velocity-count.withdrawal=two"), "--velocity-count.withdrawal", "whole number");
        assertInvalid(List.of("--velocity-amount.withdrawal=lots"), "--velocity-amount.withdrawal", "a number");
        assertInvalid(List.of("--velocity-window.withdrawal=5"), "--velocity-window.withdrawal", "unit");
    }

    @Test
    void kafkaPropertiesGoToTheSideThatKnowsThem() {
        JobOptions o = JobOptions.parse(
                "--kafka.security.protocol=SASL_SSL",
                "--kafka.sasl.jaas.config", "x required a=\"b=c\";",
                "--kafka.max.poll.records=2000",
                "--kafka.linger.ms=20",
                "--kafka.partition.discovery.interval.ms=60000");
        KafkaInput in = o.config().kafkaInput();
        assertThat(in.clientProperties()).containsOnly(
                Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.jaas.config", "x required a=\"b=c\";"),
                Map.entry("max.poll.records", "2000"),
                Map.entry("partition.discovery.interval.ms", "60000"));
        assertThat(o.config().kafkaOutputs(true).clientProperties()).containsOnly(
                Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.jaas.config", "x required a=\"b=c\";"),
                Map.entry("linger.ms", "20"));
        assertThat(o.config().adminProperties()).as("the collector's Admin client gets the security settings").containsOnly(
                Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.jaas.config", "x required a=\"b=c\";"));
    }

    @Test
    void theKafkaTransactionsCollectorIsConfigurableAndCanBeTurnedOff() {
        JobConfig c = JobOptions.parse("--kafka-transactions-interval", "2s", "--kafka-transactions-long-open", "1m",
                "--kafka-transaction-max-timeout", "5m").config();
        assertThat(c.kafkaTransactions()).isEqualTo(new io.txinsight.job.collector.KafkaTransactionsSettings(
                2_000, 60_000, 300_000));
        assertThat(JobOptions.parse("--kafka-transactions-interval", "0").config().kafkaTransactions().enabled()).isFalse();
        assertInvalid(List.of("--kafka-transaction-max-timeout", "0"), "--kafka-transaction-max-timeout", "must be positive");
    }

    @Test
    void aTopicPatternReplacesTheTopicList() {
        JobOptions o = JobOptions.parse("--topic-pattern", "biz-.*");
        KafkaInput in = o.config().kafkaInput();
        assertThat(in.topics()).isEmpty();
        assertThat(in.topicPattern().pattern()).isEqualTo("biz-.*");
    }

    @Test
    void mistakesNameTheOptionAndSayWhatToDo() {
        assertInvalid(List.of("--stuck-timeout", "10x"), "--stuck-timeout", "500ms, 10s, 5m, 1h");
        assertInvalid(List.of("--stuck-timeout", "60"), "--stuck-timeout", "60s or 60ms");
        assertInvalid(List.of("--stuck-timeout.settlement=soon"), "--stuck-timeout.settlement", "not a duration");
        assertInvalid(List.of("--slo.payment"), "--slo.payment", "<name>=<value>");
        assertInvalid(List.of("--starting-offsets", "newest"), "--starting-offsets", "earliest, latest, committed");
        assertInvalid(List.of("--topic-pattern", "biz-(.*"), "--topic-pattern", "not a regular expression");
        assertInvalid(List.of("--topic-pattern", "txn-.*"), "--outcomes-topic", "read its own output");
        assertInvalid(List.of("--topics", "txn-events,txn-alerts"), "--alerts-topic", "read its own output");
        assertInvalid(List.of("--committed-group-id", "txinsight-monitor"), "--committed-group-id", "own consumer groups");
        assertInvalid(List.of("--kafka.isolation.level=read_committed"), "--kafka.isolation.level", "cannot be changed");
        assertInvalid(List.of("--kafka.group.id=x"), "--kafka.group.id", "--monitor-group-id");
        assertInvalid(List.of("--kafka.bootstrap.servers=x"), "--kafka.bootstrap.servers", "--bootstrap-servers");
        assertInvalid(List.of("--retention", "30s"), "--retention", "longer than the longest stuck timeout (1m)");
        assertInvalid(List.of("--stuck-timeout.settlement=2h"), "--retention", "(2h)");
        assertInvalid(List.of("--outlier-factor", "0.5"), "--outlier-factor", "above 1");
        assertInvalid(List.of("--idle-advance-after", "0"), "--idle-advance-after", "positive");
        assertInvalid(List.of("--topics", " , "), "--topics", "names no topic");
        assertInvalid(List.of("--alerts-topic", "txn-outcomes"), "--outcomes-topic", "three different topics");
        assertInvalid(List.of("--no-such-option"), "--no-such-option", "");
    }

    private static void assertInvalid(List<String> args, String option, String hint) {
        assertThatThrownBy(() -> JobOptions.parse(args.toArray(new String[0])))
                .as("%s", args)
                .isInstanceOf(JobOptions.InvalidOptionsException.class)
                .hasMessageContaining(option)
                .hasMessageContaining(hint);
    }

    private static final List<String> EVERY_OPTION = List.of(
            "--bootstrap-servers", "--topics", "--topic-pattern", "--monitor-group-id", "--committed-group-id",
            "--starting-offsets", "--kafka.<key>=<value>", "--stuck-timeout", "--stuck-timeout.<type>=<duration>",
            "--abort-grace", "--abort-recheck", "--out-of-orderness", "--max-clock-skew", "--idle-advance-after", "--retention", "--duplicate-horizon",
            "--outlier-factor", "--outlier-warmup", "--slo.<type>=<duration>", "--velocity-count",
            "--velocity-amount", "--velocity-window", "--velocity-count.<type>=<n>", "--velocity-amount.<type>=<amount>",
            "--velocity-window.<type>=<duration>", "--kafka-transactions-interval", "--kafka-transactions-long-open",
            "--kafka-transaction-max-timeout", "--outcomes-topic",
            "--alerts-topic", "--dead-letter-topic", "--checkpoint-interval", "--parallelism",
            "--transactional-id-prefix", "--job-name", "--ledger-url", "--ledger-user", "--ledger-password",
            "--ledger-password-file");

    @Test
    void helpListsEveryOptionWithItsDefault() {
        assertThat(JobOptions.parse("--help").helpRequested()).isTrue();
        String usage = JobOptions.usage();
        for (String option : EVERY_OPTION) {
            assertThat(usage).as(option).contains(option);
        }
        // Nothing in the help that this list (and so the docs) does not know.
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\s+(?:-h, )?(--[a-z.<>=-]+?)(?:=<[^>]+>)?\\s", java.util.regex.Pattern.MULTILINE).matcher(usage);
        int shownOptions = 0;
        while (m.find()) {
            shownOptions++;
            String shown = m.group(1);
            assertThat(EVERY_OPTION.stream().anyMatch(o -> o.startsWith(shown)) || shown.equals("--help"))
                    .as("%s is in the list", shown).isTrue();
        }
        assertThat(shownOptions).isEqualTo(EVERY_OPTION.size() + 1);
        assertThat(usage).contains("--stuck-timeout=<duration>", "Default: 1m").contains("Default: 10s").contains("Default: txn-outcomes");
    }

    @Test
    void docsDescribeEveryOption() throws Exception {
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "job.md"));
        for (String option : EVERY_OPTION) {
            assertThat(doc).as("docs/job.md lists %s", option).contains("`" + option + "`");
        }
    }

    @Test
    void durationsUseTheSharedGrammar() {
        JobConfig c = JobOptions.parse("--stuck-timeout", "PT90S", "--abort-grace", "1.5s", "--retention", "2d")
                .config();
        assertThat(c.tracker().stuckTimeoutMs()).isEqualTo(90_000);
        assertThat(c.tracker().abortGraceMs()).isEqualTo(1_500);
        assertThat(c.tracker().retentionMs()).isEqualTo(172_800_000);
    }

    @Test
    void theLedgerIsOptInAndItsPasswordStaysOutOfEveryText(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        assertThat(JobOptions.parse().config().ledger()).as("no ledger without --ledger-url").isNull();

        java.nio.file.Path file = dir.resolve("ledger-password");
        java.nio.file.Files.writeString(file, "s3cret-from-file\nignored\n");
        JobConfig c = JobOptions.parse("--ledger-url", "jdbc:postgresql://db:5432/ledger",
                "--ledger-password-file", file.toString()).config();
        assertThat(c.ledger().url()).isEqualTo("jdbc:postgresql://db:5432/ledger");
        assertThat(c.ledger().user()).isEqualTo("ledger");
        assertThat(c.ledger().password()).isEqualTo("s3cret-from-file");
        assertThat(c.toString()).contains("jdbc:postgresql://db:5432/ledger").doesNotContain("s3cret");

        c = JobOptions.parse("--ledger-url", "jdbc:postgresql://db/l", "--ledger-user", "writer",
                "--ledger-password=s3cret").config();
        assertThat(c.ledger().password()).isEqualTo("s3cret");
        assertThat(c.ledger().user()).isEqualTo("writer");
        assertThat(c.toString()).doesNotContain("s3cret");
        assertThat(JobOptions.usage()).contains("--ledger-url", "--ledger-user", "--ledger-password-file");
    }

    @Test
    void ledgerMistakesNameTheOption() {
        assertThatThrownBy(() -> JobOptions.parse("--ledger-url", "mysql://db/l"))
                .hasMessageContaining("--ledger-url").hasMessageContaining("jdbc:postgresql://");
        assertThatThrownBy(() -> JobOptions.parse("--ledger-password=s3cret"))
                .hasMessageContaining("--ledger-url").hasMessageNotContaining("s3cret");
        // Flink's client would log the value of a password given as an argument of its own.
        assertThatThrownBy(() -> JobOptions.parse("--ledger-url", "jdbc:postgresql://db/l", "--ledger-password", "s3cret"))
                .hasMessageContaining("--ledger-password=<password>").hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> JobOptions.parse("--ledger-url", "jdbc:postgresql://db/l",
                        "--ledger-password=s3cret", "--ledger-password-file", "/nowhere"))
                .hasMessageContaining("--ledger-password-file").hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> JobOptions.parse("--ledger-url", "jdbc:postgresql://db/l",
                        "--ledger-password-file", "/nowhere/at/all"))
                .hasMessageContaining("--ledger-password-file").hasMessageContaining("/nowhere/at/all");
    }
}
