package io.txinsight.replayer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a scenario topic is published: a topic named in the map goes to its mapped name; every other
 * topic gets the prefix (if any). This lets one scenario feed a staging cluster or a second set of
 * topics without editing the file.
 */
public record TopicRouting(Map<String, String> map, String prefix) {

    public static final TopicRouting IDENTITY = new TopicRouting(Map.of(), "");

    public TopicRouting {
        map = Map.copyOf(map == null ? Map.of() : map);
        prefix = prefix == null ? "" : prefix;
        for (Map.Entry<String, String> e : map.entrySet()) {
            if (e.getKey().isBlank() || e.getValue().isBlank()) {
                throw new IllegalArgumentException(
                        "topic map entry '" + e.getKey() + "=" + e.getValue() + "' needs a topic on both sides of '='");
            }
        }
    }

    /** Parses {@code from=to} entries. */
    public static Map<String, String> parseMap(Iterable<String> entries) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new IllegalArgumentException(
                        "topic map entry '" + entry + "' is not from=to (for example txn-events=staging-txn-events)");
            }
            m.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
        }
        return m;
    }

    public String route(String topic) {
        String mapped = map.get(topic);
        return mapped != null ? mapped : prefix + topic;
    }
}
