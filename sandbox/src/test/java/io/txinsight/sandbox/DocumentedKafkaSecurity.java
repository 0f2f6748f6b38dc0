package io.txinsight.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SASL_SSL example of docs/operations.md §4, read from the file, so the example users copy is
 * the one the tests run: its {@code --kafka.<key>=<value>} options, with the address, the
 * truststore and the passwords replaced by a test broker's.
 */
final class DocumentedKafkaSecurity {

    static final Path OPERATIONS = Path.of("..", "docs", "operations.md");
    private static final Pattern USERNAME = Pattern.compile("username=\"([^\"]*)\"");
    private static final Pattern PASSWORD = Pattern.compile("password=\"[^\"]*\"");

    private final Map<String, String> kafka;

    private DocumentedKafkaSecurity(Map<String, String> kafka) {
        this.kafka = kafka;
    }

    /** The first shell block of the section "## 4." of docs/operations.md. */
    static DocumentedKafkaSecurity read() throws IOException {
        String doc = Files.readString(OPERATIONS);
        int section = doc.indexOf("\n## 4.");
        int start = doc.indexOf("```bash\n", section) + "```bash\n".length();
        String block = doc.substring(start, doc.indexOf("```", start)).replace("\\\n", " ");
        Map<String, String> kafka = new LinkedHashMap<>();
        for (String word : shellWords(block)) {
            if (word.startsWith("--kafka.")) {
                int eq = word.indexOf('=');
                kafka.put(word.substring("--kafka.".length(), eq), word.substring(eq + 1));
            }
        }
        return new DocumentedKafkaSecurity(kafka);
    }

    /** The user name the example logs in with. */
    String user() {
        Matcher m = USERNAME.matcher(kafka.getOrDefault("sasl.jaas.config", ""));
        if (!m.find()) {
            throw new IllegalStateException("no username=\"…\" in the example's sasl.jaas.config: " + kafka);
        }
        return m.group(1);
    }

    /** The example's Kafka properties with this password and truststore. */
    Map<String, String> properties(String password, Path truststore, String truststorePassword) {
        Map<String, String> p = new LinkedHashMap<>(kafka);
        p.replace("sasl.jaas.config", PASSWORD.matcher(p.get("sasl.jaas.config"))
                .replaceFirst(Matcher.quoteReplacement("password=\"" + password + "\"")));
        p.replace("ssl.truststore.location", truststore.toString());
        p.replace("ssl.truststore.password", truststorePassword);
        return p;
    }

    /** As the job takes them: {@code --kafka.<key>=<value>}. */
    static List<String> jobOptions(Map<String, String> properties) {
        List<String> out = new ArrayList<>();
        properties.forEach((k, v) -> out.add("--kafka." + k + "=" + v));
        return out;
    }

    /** As the replayer, the simulator and the validator take them: {@code -X <key>=<value>}. */
    static List<String> toolOptions(Map<String, String> properties) {
        List<String> out = new ArrayList<>();
        properties.forEach((k, v) -> {
            out.add("-X");
            out.add(k + "=" + v);
        });
        return out;
    }

    /** Words as bash splits them: blanks separate, single and double quotes group. */
    private static List<String> shellWords(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (char c : text.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
