package dev.forewarn.desk;

import java.util.Locale;
import java.util.Optional;

/**
 * What counts as a customer's escalation — the event a good warning comes before: a complaint at least
 * {@code severity} severe, or (when set) of {@code category}. One rule, shared by the quality desk's "how good are the
 * warnings" and {@code forewarn backtest}, so both count the same escalations on the same data.
 *
 * @param severity the lowest complaint severity that is an escalation (1..5)
 * @param category a complaint category that is an escalation whatever its severity (compared ignoring case), if any
 */
public record EscalationRule(int severity, Optional<String> category) {

    public EscalationRule {
        if (severity < 1 || severity > 5) {
            throw new IllegalArgumentException("the escalation severity must be 1..5, is " + severity);
        }
        category = category.map(String::trim).filter(c -> !c.isEmpty());
    }

    /** The default: severity 5 or category {@code cancellation}. */
    public static EscalationRule defaults() {
        return new EscalationRule(5, Optional.of("cancellation"));
    }

    /** Whether a complaint of this severity and category (either may be absent) is an escalation. */
    public boolean matches(Integer complaintSeverity, String complaintCategory) {
        return complaintSeverity != null && complaintSeverity >= severity
                || complaintCategory != null && category.isPresent() && complaintCategory.trim().equalsIgnoreCase(category.get());
    }

    /** For people: "complaints of severity 5 or category cancellation". */
    public String describe() {
        return "complaints of severity " + severity + (severity < 5 ? " or more" : "")
                + category.map(c -> " or of category " + c.toLowerCase(Locale.ROOT)).orElse("");
    }
}
