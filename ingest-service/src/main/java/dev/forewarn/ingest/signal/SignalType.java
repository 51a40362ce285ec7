package dev.forewarn.ingest.signal;

import dev.forewarn.topics.TopicCatalogue;
import dev.forewarn.topics.TopicSpec;

/** The kinds of signal the API takes, each with its route segment and its topic. */
public enum SignalType {
    REPORT("reports", TopicCatalogue.REPORTS),
    COMPLAINT("complaints", TopicCatalogue.COMPLAINTS),
    RETURN("returns", TopicCatalogue.RETURNS);

    private final String path;
    private final TopicSpec<String, ?> topic;

    SignalType(String path, TopicSpec<String, ?> topic) {
        this.path = path;
        this.topic = topic;
    }

    /** The route segment: {@code /v1/<path>}. */
    public String path() {
        return path;
    }

    /** The topic its signals are written to. */
    public TopicSpec<String, ?> topic() {
        return topic;
    }
}
