package dev.forewarn.desk;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * How good the warnings were over a period: the alerts that fired in it by their owners' feedback, the false-alarm
 * rate, and for every escalation (a complaint at the escalation severity) whether its customer or product had an alert
 * before it and how long before. Pure: the desk computes it from alerting-service's alerts and the evidence index.
 *
 * @param from           start of the period
 * @param to             end of the period (exclusive)
 * @param fired          alerts that fired in the period
 * @param confirmed      of those, marked a confirmed problem
 * @param falseAlarms    of those, marked a false alarm
 * @param escalations    each escalation in the period and its lead
 */
public record QualityReport(Instant from, Instant to, int fired, int confirmed, int falseAlarms, List<Escalation> escalations) {

    /** An escalation, and the alert that warned of it (empty when none did) with its lead time. */
    public record Escalation(EvidenceIndex.Signal complaint, Optional<String> alertId, Optional<Duration> lead) {
    }

    public int withoutFeedback() {
        return fired - confirmed - falseAlarms;
    }

    /** False alarms among the alerts with feedback; empty when none has feedback. */
    public Optional<Double> falseAlarmRate() {
        int judged = confirmed + falseAlarms;
        return judged == 0 ? Optional.empty() : Optional.of((double) falseAlarms / judged);
    }

    public long caught() {
        return escalations.stream().filter(e -> e.lead().isPresent()).count();
    }

    /** The lead times of the escalations that were warned of, shortest first. */
    public List<Duration> leads() {
        return escalations.stream().flatMap(e -> e.lead().stream()).sorted().toList();
    }

    /** The {@code q} quantile (0..1) of the lead times, nearest rank; empty without any. */
    public Optional<Duration> leadQuantile(double q) {
        List<Duration> leads = leads();
        if (leads.isEmpty()) {
            return Optional.empty();
        }
        int rank = (int) Math.ceil(q * leads.size());
        return Optional.of(leads.get(Math.max(0, Math.min(leads.size() - 1, rank - 1))));
    }

    /** Escalations caught with at least {@code lead} of warning. */
    public long caughtAhead(Duration lead) {
        return leads().stream().filter(d -> d.compareTo(lead) >= 0).count();
    }

    public static QualityReport compute(List<JsonNode> alerts, List<EvidenceIndex.Signal> escalations, Instant from, Instant to) {
        int fired = 0;
        int confirmed = 0;
        int falseAlarms = 0;
        Map<String, Instant> firedAt = new HashMap<>();
        for (JsonNode alert : alerts) {
            Optional<Instant> at = firedAt(alert);
            if (at.isEmpty()) {
                continue;
            }
            firedAt.put(alert.path("id").asText(), at.get());
            if (!at.get().isBefore(from) && at.get().isBefore(to)) {
                fired++;
                String verdict = alert.path("feedback").path("verdict").asText("");
                if (verdict.equals("CONFIRMED")) {
                    confirmed++;
                } else if (verdict.equals("FALSE_ALARM")) {
                    falseAlarms++;
                }
            }
        }
        List<Escalation> result = new ArrayList<>();
        for (EvidenceIndex.Signal complaint : escalations) {
            // The customer's or the product's alert that fired before the escalation; the earlier one if both did.
            Optional<String> warnedBy = Stream.of("CUSTOMER:" + complaint.customerId(),
                            complaint.productId() == null ? null : "PRODUCT:" + complaint.productId())
                    .filter(id -> id != null && firedAt.containsKey(id) && firedAt.get(id).isBefore(complaint.occurredAt()))
                    .min(Comparator.comparing(firedAt::get));
            result.add(new Escalation(complaint, warnedBy, warnedBy.map(id -> Duration.between(firedAt.get(id), complaint.occurredAt()))));
        }
        result.sort(Comparator.comparing((Escalation e) -> e.complaint().occurredAt()).reversed());
        return new QualityReport(from, to, fired, confirmed, falseAlarms, List.copyOf(result));
    }

    /**
     * When an alert's current firing started, in the signals' own time ({@code firedScoredAt}; {@code firedAt}, when
     * alerting processed it, for alerts written before that field existed). Earlier firings of the same entity are
     * not kept by alerting-service once a new one starts.
     */
    private static Optional<Instant> firedAt(JsonNode alert) {
        String eventTime = alert.path("firedScoredAt").asText(null);
        return View.parse(eventTime != null ? eventTime : alert.path("firedAt").asText(null));
    }
}
