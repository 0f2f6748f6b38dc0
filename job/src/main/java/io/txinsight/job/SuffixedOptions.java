package io.txinsight.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The job's options with a free-form suffix ({@code --kafka.<key>=<value>},
 * {@code --stuck-timeout.<type>=<duration>}, {@code --slo.<type>=<duration>},
 * {@code --velocity-count.<type>=<n>}, …), rewritten to the
 * picocli map options {@link JobOptions} declares before parsing: picocli knows only fixed option
 * names. Both {@code --kafka.k=v} and {@code --kafka.k v} work.
 */
final class SuffixedOptions {

    /** Each prefix and the map option it becomes. */
    private static final Map<String, String> PREFIXES = Map.of(
            JobOptions.KAFKA, JobOptions.KAFKA_OPTION,
            JobOptions.STUCK_TIMEOUT_OF, JobOptions.STUCK_TIMEOUT_OF_OPTION,
            JobOptions.SLO_OF, JobOptions.SLO_OF_OPTION,
            JobOptions.VELOCITY_COUNT_OF, JobOptions.VELOCITY_COUNT_OF_OPTION,
            JobOptions.VELOCITY_AMOUNT_OF, JobOptions.VELOCITY_AMOUNT_OF_OPTION,
            JobOptions.VELOCITY_WINDOW_OF, JobOptions.VELOCITY_WINDOW_OF_OPTION);

    private SuffixedOptions() {}

    /** {@code --kafka.k=v} and {@code --kafka.k v} become {@code --kafka.<key> k=v}. */
    static String[] rewrite(String[] args) {
        List<String> out = new ArrayList<>(args.length + 4);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String prefix = suffixedPrefix(a);
            if (prefix == null) {
                out.add(a);
                continue;
            }
            String rest = a.substring(prefix.length());
            if (!rest.contains("=") && i + 1 < args.length) {
                rest = rest + "=" + args[++i];
            }
            if (rest.isEmpty() || rest.startsWith("=") || !rest.contains("=")) {
                throw new JobOptions.InvalidOptionsException(
                        "option '" + a + "' needs a name and a value, like " + prefix + "<name>=<value>");
            }
            out.add(PREFIXES.get(prefix));
            out.add(rest);
        }
        return out.toArray(new String[0]);
    }

    private static String suffixedPrefix(String arg) {
        for (String p : PREFIXES.keySet()) {
            if (arg.startsWith(p)) {
                return p;
            }
        }
        return null;
    }
}
