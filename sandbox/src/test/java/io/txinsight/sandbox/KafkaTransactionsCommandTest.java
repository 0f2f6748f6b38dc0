package io.txinsight.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.broker.EmbeddedKafkaBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class KafkaTransactionsCommandTest {

    @Test
    void listsTheOpenTransactionWithItsPartitionOffsetAndTransactionalId() throws Exception {
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            kafka.createTopic("txn-events", 2);
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "payments-7");
            try (KafkaProducer<String, String> holder = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                holder.initTransactions();
                holder.beginTransaction();
                holder.send(new ProducerRecord<>("txn-events", 1, "PAY-1", "{}")).get();

                KafkaTransactionsCommand command = new KafkaTransactionsCommand();
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                PrintStream stdout = System.out;
                int status;
                System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
                try {
                    status = new CommandLine(command).execute("--bootstrap-servers", kafka.bootstrapServers(),
                            "--topics", "txn-events", "--long-open-after", "0");
                } finally {
                    System.setOut(stdout);
                }
                String printed = out.toString(StandardCharsets.UTF_8);

                assertThat(status).isZero();
                assertThat(printed).contains("Open Kafka transactions: 1 (0 hanging)");
                assertThat(printed).containsPattern("txn-events-0 +0 / +0 +0 behind");
                assertThat(printed).containsPattern("txn-events-1 +1 / +0 +1 behind");
                assertThat(printed).containsPattern("long open +txn-events-1 from offset 0, open .*transactional id payments-7"
                        + " \\(Ongoing, lists txn-events-1\\)");
                holder.abortTransaction();
            }
        }
    }
}
