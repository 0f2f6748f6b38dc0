package io.txinsight.sandbox;

import java.util.ArrayList;
import java.util.List;

/** A topic to create, written {@code name:partitions} on the command line. */
record TopicSpec(String name, int partitions) {

    static TopicSpec parse(String text) {
        int colon = text.lastIndexOf(':');
        String name = colon < 0 ? text : text.substring(0, colon);
        if (name.isBlank()) {
            throw new IllegalArgumentException("topic '" + text + "' has no name; write name:partitions, e.g. txn-events:3");
        }
        if (colon < 0) {
            return new TopicSpec(name, 1);
        }
        try {
            int partitions = Integer.parseInt(text.substring(colon + 1));
            if (partitions < 1) {
                throw new NumberFormatException();
            }
            return new TopicSpec(name, partitions);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "topic '" + text + "': partitions must be a whole number of at least 1, e.g. " + name + ":3");
        }
    }

    @Override
    public String toString() {
        return name + ":" + partitions;
    }

    static List<TopicSpec> parseAll(List<String> texts) {
        List<TopicSpec> specs = new ArrayList<>();
        for (String t : texts) {
            specs.add(parse(t.trim()));
        }
        return specs;
    }
}
