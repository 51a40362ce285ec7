package dev.forewarn.desk;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * Formatting the templates share. Everything here returns plain text; the templates escape it (jte's {@code Html}
 * content type escapes every {@code ${…}} for its context), so a value from a signal is never markup.
 */
public final class View {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private View() {
    }

    /** The page shell's data: title, the section the navigation marks, who is signed in, the CSRF token, a notice. */
    public record Page(String title, String section, String user, String csrf, String notice) {
    }

    public static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? "" : value.asText();
    }

    public static String time(String iso) {
        return parse(iso).map(TIME::format).orElse("—");
    }

    public static String time(Instant instant) {
        return instant == null ? "—" : TIME.format(instant);
    }

    /** "3 h ago" (or "in 3 h" for a future instant). */
    public static String relative(String iso, Instant now) {
        return parse(iso).map(at -> relative(at, now)).orElse("—");
    }

    public static String relative(Instant at, Instant now) {
        if (at == null) {
            return "—";
        }
        Duration d = Duration.between(at, now);
        return d.isNegative() ? "in " + span(d.negated()) : span(d) + " ago";
    }

    public static String span(Duration d) {
        long minutes = d.toMinutes();
        if (minutes < 1) {
            return "<1 min";
        }
        if (minutes < 60) {
            return minutes + " min";
        }
        long hours = d.toHours();
        if (hours < 48) {
            return hours + " h";
        }
        return d.toDays() + " d " + (hours % 24) + " h";
    }

    public static String score(JsonNode node) {
        return node.has("score") ? String.format(Locale.ROOT, "%.1f", node.path("score").asDouble()) : "—";
    }

    /** CSS class of a level: lvl-critical, lvl-warning, … */
    public static String levelClass(String level) {
        return "lvl lvl-" + level.toLowerCase(Locale.ROOT);
    }

    /** The desk's page of an entity; {@code type} is CUSTOMER or PRODUCT. */
    public static String entityPath(String type, String id) {
        return "/entities/" + type.toLowerCase(Locale.ROOT) + "/" + Backend.segment(id);
    }

    /** The entity page of an alert id such as {@code CUSTOMER:C-1}. */
    public static String alertPath(String alertId) {
        int colon = alertId.indexOf(':');
        return colon < 0 ? "/inbox" : entityPath(alertId.substring(0, colon), alertId.substring(colon + 1));
    }

    /** Where a form about alert {@code alertId} posts: {@code /alerts/<id>/<action>}. */
    public static String alertAction(String alertId, String action) {
        return "/alerts/" + Backend.segment(alertId) + "/" + action;
    }

    /** The source system's link for a signal, from the configured template; only http(s) links are kept. */
    public static Optional<String> sourceLink(Optional<String> template, EvidenceIndex.Signal s) {
        if (template.isEmpty()) {
            return Optional.empty();
        }
        String t = template.get();
        if (t.contains("{complaintId}") && s.complaintId() == null || t.contains("{orderId}") && s.orderId() == null
                || t.contains("{productId}") && s.productId() == null) {
            return Optional.empty();
        }
        String link = t.replace("{complaintId}", enc(s.complaintId())).replace("{eventId}", enc(s.eventId()))
                .replace("{customerId}", enc(s.customerId())).replace("{productId}", enc(s.productId())).replace("{orderId}", enc(s.orderId()));
        try {
            String scheme = URI.create(link).getScheme();
            return "https".equals(scheme) || "http".equals(scheme) ? Optional.of(link) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String enc(String value) {
        return value == null ? "" : Backend.segment(value);
    }

    /** The instant {@code iso} names; empty for null, empty or unparsable text. */
    static Optional<Instant> parse(String iso) {
        if (iso == null || iso.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(iso));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
