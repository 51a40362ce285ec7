package dev.forewarn.ingest.signal;

import dev.forewarn.service.http.Violation;
import com.fasterxml.jackson.databind.JsonNode;
import dev.forewarn.events.EntityType;
import dev.forewarn.events.OwnerAssignment;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Turns {@code PUT /v1/owners/{entityType}/{entityId}} into an {@link OwnerAssignment}, or every rule it breaks. */
public final class OwnerParser {

    /** The outcome: the record and its key, or the violations. */
    public sealed interface Parsed permits Valid, Invalid {
    }

    public record Valid(String key, OwnerAssignment assignment) implements Parsed {
    }

    public record Invalid(List<Violation> violations) implements Parsed {
    }

    private static final Set<String> KNOWN = Set.of("ownerId", "ownerName", "email", "webhookUrl", "slackWebhookUrl",
            "escalationContact", "escalationEmail", "escalationWebhookUrl");

    private final Clock clock;
    private final boolean rejectUnknownFields;

    public OwnerParser(Clock clock, boolean rejectUnknownFields) {
        this.clock = clock;
        this.rejectUnknownFields = rejectUnknownFields;
    }

    /** What is wrong with the path's {@code entityType} and {@code entityId}; empty when both are fine. */
    public static List<Violation> pathViolations(String entityType, String entityId) {
        List<Violation> violations = new ArrayList<>();
        if (entityType(entityType) == null) {
            violations.add(new Violation("/entityType", "enum", "entityType (path) must be one of [CUSTOMER, PRODUCT]"));
        }
        if (entityId.isBlank() || entityId.length() > SignalParser.ID_LENGTH) {
            violations.add(new Violation("/entityId", "max-length",
                    "entityId (path) must be 1 to " + SignalParser.ID_LENGTH + " characters"));
        } else if (!FieldReader.isPrintableId(entityId)) {
            violations.add(new Violation("/entityId", "characters",
                    "entityId (path) must not contain control characters, tabs or line breaks"));
        }
        return violations;
    }

    /** The compacted-topic key of a valid path: {@code CUSTOMER:c-1}. */
    public static String key(String entityType, String entityId) {
        return entityType(entityType) + ":" + entityId;
    }

    private static EntityType entityType(String text) {
        for (EntityType type : EntityType.values()) {
            if (type.name().equalsIgnoreCase(text)) {
                return type;
            }
        }
        return null;
    }

    public Parsed parse(String entityType, String entityId, JsonNode body) {
        List<Violation> path = pathViolations(entityType, entityId);
        if (!path.isEmpty()) {
            return new Invalid(path);
        }
        if (body == null || !body.isObject()) {
            return new Invalid(List.of(new Violation("", "type", "the owner must be a JSON object")));
        }
        FieldReader fields = new FieldReader(body);
        String ownerId = fields.requiredId("ownerId", SignalParser.ID_LENGTH);
        String ownerName = fields.optionalString("ownerName", SignalParser.SHORT_TEXT * 4);
        String email = email(fields, "email");
        String webhook = url(fields, "webhookUrl");
        String slack = url(fields, "slackWebhookUrl");
        String escalationContact = fields.optionalString("escalationContact", SignalParser.SHORT_TEXT * 4);
        String escalationEmail = email(fields, "escalationEmail");
        String escalationWebhook = url(fields, "escalationWebhookUrl");
        if (rejectUnknownFields) {
            fields.unknownFields(KNOWN).forEach(name -> fields.fail(name, "unknown-field", name + " is not a field of owner"));
        }
        if (!fields.violations().isEmpty()) {
            return new Invalid(List.copyOf(fields.violations()));
        }
        return new Valid(key(entityType, entityId), OwnerAssignment.newBuilder()
                .setEntityType(entityType(entityType)).setEntityId(entityId)
                .setOwnerId(ownerId).setOwnerName(ownerName).setEmail(email).setWebhookUrl(webhook)
                .setSlackWebhookUrl(slack).setEscalationContact(escalationContact).setEscalationEmail(escalationEmail)
                .setEscalationWebhookUrl(escalationWebhook).setUpdatedAt(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS))
                .build());
    }

    private static String email(FieldReader fields, String name) {
        String value = fields.optionalString(name, 254);
        if (value != null && !value.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
            fields.fail(name, "email", name + " must be an e-mail address");
            return null;
        }
        return value;
    }

    private static String url(FieldReader fields, String name) {
        String value = fields.optionalString(name, 2048);
        if (value == null) {
            return null;
        }
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return value;
            }
        } catch (URISyntaxException e) {
            // falls through to the violation
        }
        fields.fail(name, "url", name + " must be an absolute http or https URL");
        return null;
    }
}
