package dev.forewarn.service.auth;

import java.util.Set;

/** The scopes of Forewarn's API tokens, and what each service knows and grants a token configured without scopes. */
public final class Scopes {

    /** Write signals: {@code POST /v1/reports|complaints|returns} (ingest). */
    public static final String SIGNALS_WRITE = "signals:write";
    /** Write the owner directory, which decides where alerts go: {@code PUT|DELETE /v1/owners/…} (ingest). */
    public static final String OWNERS_WRITE = "owners:write";
    /** Read scores and explanations: {@code /v1/risk/…} (scoring). */
    public static final String RISK_READ = "risk:read";
    /** Read alerts and silences (alerting). */
    public static final String ALERTS_READ = "alerts:read";
    /** Acknowledge alerts (alerting). */
    public static final String ALERTS_WRITE = "alerts:write";
    /** Create and expire silences (alerting). */
    public static final String SILENCES_WRITE = "silences:write";
    /** Register schemas and change compatibility levels on the dev schema registry. */
    public static final String SCHEMAS_WRITE = "schemas:write";
    /** Sign in to the quality desk (alerting). */
    public static final String DESK = "desk";

    public static final Set<String> INGEST = Set.of(SIGNALS_WRITE, OWNERS_WRITE);
    /** An ingest token without scopes may write signals only: rerouting alerts (owners) must be granted explicitly. */
    public static final Set<String> INGEST_DEFAULT = Set.of(SIGNALS_WRITE);
    public static final Set<String> SCORING = Set.of(RISK_READ);
    public static final Set<String> ALERTING = Set.of(ALERTS_READ, ALERTS_WRITE, SILENCES_WRITE, DESK);
    /** An alerting token without scopes may read, acknowledge and silence (what the API offered before scopes). */
    public static final Set<String> ALERTING_DEFAULT = Set.of(ALERTS_READ, ALERTS_WRITE, SILENCES_WRITE);

    private Scopes() {
    }
}
