package dev.forewarn.ingest.signal;

import dev.forewarn.service.http.Violation;
import com.fasterxml.jackson.databind.JsonNode;
import dev.forewarn.events.Complaint;
import dev.forewarn.events.ComplaintStatus;
import dev.forewarn.events.CustomerReport;
import dev.forewarn.events.FeedbackType;
import dev.forewarn.events.KanoCategory;
import dev.forewarn.events.ProductReturn;
import dev.forewarn.events.ReturnReason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;

/**
 * Turns one JSON object into the Avro record of its signal type, or into the list of every rule
 * it breaks. Field names are the Avro schemas' (camelCase). The caller's source system is
 * stamped on the record, whatever the body says, so no caller can pose as another system.
 */
public final class SignalParser {

    /**
     * Validation limits.
     *
     * @param maxFuture           how far {@code occurredAt} may lie in the future (clock skew), default 5 min
     * @param maxAge              how old {@code occurredAt} may be, default 400 days (a year of CRM history and some)
     * @param rejectUnknownFields whether unknown fields are an error (default: ignored, as tolerant readers do)
     */
    public record Rules(Duration maxFuture, Duration maxAge, boolean rejectUnknownFields, Clock clock) {

        public static Rules defaults() {
            return new Rules(Duration.ofMinutes(5), Duration.ofDays(400), false, Clock.systemUTC());
        }
    }

    /** The outcome of parsing one item. */
    public sealed interface Parsed permits Valid, Invalid {
    }

    /** A valid signal: the record to write and its key. */
    /** A valid signal: the record, its key and its event time (the Kafka record's timestamp). */
    public record Valid(SpecificRecord record, String eventId, String customerId, Instant occurredAt) implements Parsed {
    }

    /** Every rule the item broke. */
    public record Invalid(List<Violation> violations) implements Parsed {
    }

    static final int ID_LENGTH = 128;
    static final int SHORT_TEXT = 64;
    static final int LONG_TEXT = 4000;

    private static final Set<String> COMMON = Set.of("eventId", "customerId", "occurredAt", "source", "productId",
            "kanoCategory", "channel");
    private static final Map<SignalType, Set<String>> KNOWN = Map.of(
            SignalType.REPORT, with("feedbackType", "severity", "text"),
            SignalType.COMPLAINT, with("complaintId", "status", "severity", "slaDueAt", "category", "description"),
            SignalType.RETURN, with("reason", "quantity", "orderId", "comment"));

    private final Rules rules;

    public SignalParser(Rules rules) {
        this.rules = rules;
    }

    private static Set<String> with(String... fields) {
        return Stream.concat(COMMON.stream(), Stream.of(fields)).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Parses {@code item} as a {@code type} signal from {@code source}. {@code assignedEventId} is
     * used when the body has no eventId (the Idempotency-Key header, or a fresh UUIDv7).
     */
    public Parsed parse(SignalType type, JsonNode item, String source, Optional<String> assignedEventId) {
        if (item == null || !item.isObject()) {
            return new Invalid(List.of(new Violation("", "type", "each signal must be a JSON object")));
        }
        FieldReader fields = new FieldReader(item);
        String bodyEventId = fields.optionalId("eventId", ID_LENGTH);
        if (bodyEventId == null && assignedEventId.isPresent() && !isHeaderKey(assignedEventId.get())) {
            fields.fail("eventId", "idempotency-key", "the Idempotency-Key header must be 1 to " + ID_LENGTH
                    + " printable ASCII characters");
        }
        String eventId = Optional.ofNullable(bodyEventId).or(() -> assignedEventId)
                .orElseGet(EventIds::next);
        String customerId = fields.requiredId("customerId", ID_LENGTH);
        Instant occurredAt = fields.timestamp("occurredAt", true, rules.clock(), rules.maxFuture(), rules.maxAge(), true);
        String productId = fields.optionalId("productId", ID_LENGTH);
        KanoCategory kano = fields.optionalEnum("kanoCategory", KanoCategory.class);
        String channel = fields.optionalString("channel", SHORT_TEXT);
        if (rules.rejectUnknownFields()) {
            fields.unknownFields(KNOWN.get(type)).forEach(name -> fields.fail(name, "unknown-field", name + " is not a field of " + type.name().toLowerCase()));
        }
        Common common = new Common(eventId, customerId, occurredAt, source, productId, kano, channel);
        Supplier<SpecificRecord> build = switch (type) {
            case REPORT -> report(fields, common);
            case COMPLAINT -> complaint(fields, common);
            case RETURN -> productReturn(fields, common);
        };
        if (!fields.violations().isEmpty()) {
            return new Invalid(List.copyOf(fields.violations()));
        }
        return new Valid(build.get(), eventId, customerId, occurredAt);
    }

    private static boolean isHeaderKey(String key) {
        return !key.isEmpty() && key.length() <= ID_LENGTH && key.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }

    /** The fields every signal has, read before the type-specific ones. */
    private record Common(String eventId, String customerId, Instant occurredAt, String source, String productId,
                          KanoCategory kano, String channel) {
    }

    // Each reader validates every field first and returns the build step, which runs only when
    // nothing was violated (Avro builders reject nulls in required fields).

    private static Supplier<SpecificRecord> report(FieldReader fields, Common c) {
        FeedbackType feedbackType = fields.requiredEnum("feedbackType", FeedbackType.class);
        int severity = fields.integer("severity", 3, 1, 5);
        String text = fields.optionalString("text", LONG_TEXT);
        return () -> CustomerReport.newBuilder()
                .setEventId(c.eventId()).setCustomerId(c.customerId()).setOccurredAt(c.occurredAt())
                .setSource(c.source()).setProductId(c.productId()).setKanoCategory(c.kano()).setChannel(c.channel())
                .setFeedbackType(feedbackType).setSeverity(severity).setText(text)
                .build();
    }

    private Supplier<SpecificRecord> complaint(FieldReader fields, Common c) {
        String complaintId = fields.requiredId("complaintId", ID_LENGTH);
        ComplaintStatus status = fields.requiredEnum("status", ComplaintStatus.class);
        int severity = fields.integer("severity", 3, 1, 5);
        Instant slaDueAt = fields.timestamp("slaDueAt", false, rules.clock(), rules.maxFuture(), rules.maxAge(), false);
        String category = fields.optionalString("category", SHORT_TEXT);
        String description = fields.optionalString("description", LONG_TEXT);
        return () -> Complaint.newBuilder()
                .setEventId(c.eventId()).setCustomerId(c.customerId()).setOccurredAt(c.occurredAt())
                .setSource(c.source()).setProductId(c.productId()).setKanoCategory(c.kano()).setChannel(c.channel())
                .setComplaintId(complaintId).setStatus(status).setSeverity(severity).setSlaDueAt(slaDueAt)
                .setCategory(category).setDescription(description)
                .build();
    }

    private static Supplier<SpecificRecord> productReturn(FieldReader fields, Common c) {
        if (c.productId() == null && fields.violations().stream().noneMatch(v -> v.pointer().equals("/productId"))) {
            fields.fail("productId", "required", "productId is required for a return");
        }
        ReturnReason reason = fields.requiredEnum("reason", ReturnReason.class);
        int quantity = fields.integer("quantity", 1, 1, 10_000);
        String orderId = fields.optionalId("orderId", ID_LENGTH);
        String comment = fields.optionalString("comment", LONG_TEXT);
        return () -> ProductReturn.newBuilder()
                .setEventId(c.eventId()).setCustomerId(c.customerId()).setOccurredAt(c.occurredAt())
                .setSource(c.source()).setProductId(c.productId()).setKanoCategory(c.kano()).setChannel(c.channel())
                .setReason(reason).setQuantity(quantity).setOrderId(orderId).setComment(comment)
                .build();
    }
}
