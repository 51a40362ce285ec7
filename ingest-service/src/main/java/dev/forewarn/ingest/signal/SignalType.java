package dev.forewarn.ingest.signal;

/** The kinds of signal the API takes, each with its route segment and default topic. */
public enum SignalType {
    REPORT("reports", "customer.reports"),
    COMPLAINT("complaints", "customer.complaints"),
    RETURN("returns", "customer.returns");

    private final String path;
    private final String defaultTopic;

    SignalType(String path, String defaultTopic) {
        this.path = path;
        this.defaultTopic = defaultTopic;
    }

    /** The route segment: {@code /v1/<path>}. */
    public String path() {
        return path;
    }

    public String defaultTopic() {
        return defaultTopic;
    }
}
