package dev.forewarn.ingest.signal;

import dev.forewarn.service.http.Violation;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forewarn.events.Complaint;
import dev.forewarn.events.ComplaintStatus;
import dev.forewarn.events.CustomerReport;
import dev.forewarn.events.FeedbackType;
import dev.forewarn.events.ProductReturn;
import dev.forewarn.events.ReturnReason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SignalParserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");
    private final SignalParser parser = new SignalParser(new SignalParser.Rules(Duration.ofMinutes(5), Duration.ofDays(400),
            false, Clock.fixed(NOW, ZoneOffset.UTC)));

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private SignalParser.Parsed parse(SignalType type, String body) {
        return parser.parse(type, json(body), "crm", Optional.empty());
    }

    @Test
    void shouldBuildAReportStampedWithTheCallersSource() {
        var parsed = parser.parse(SignalType.REPORT, json("""
                {"eventId":"e-1","customerId":"C-1","occurredAt":"2026-03-02T10:15:00+01:00","source":"someone-else",
                 "feedbackType":"negative","severity":5,"kanoCategory":"MUST_BE","text":"broken","extra":"ignored"}"""),
                "crm", Optional.empty());

        assertThat(parsed).isInstanceOfSatisfying(SignalParser.Valid.class, valid -> {
            CustomerReport report = (CustomerReport) valid.record();
            assertThat(report.getSource()).isEqualTo("crm");
            assertThat(report.getOccurredAt()).isEqualTo(Instant.parse("2026-03-02T09:15:00Z"));
            assertThat(report.getFeedbackType()).isEqualTo(FeedbackType.NEGATIVE);
            assertThat(report.getSeverity()).isEqualTo(5);
            assertThat(valid.eventId()).isEqualTo("e-1");
            assertThat(valid.customerId()).isEqualTo("C-1");
        });
    }

    @Test
    void shouldAssignTheIdempotencyKeyOrAUuidWhenEventIdIsAbsent() {
        String body = """
                {"customerId":"C-1","occurredAt":"2026-03-02T09:00:00Z","feedbackType":"CONFIRMATION"}""";

        var keyed = (SignalParser.Valid) parser.parse(SignalType.REPORT, json(body), "crm", Optional.of("idem-7"));
        var fresh = (SignalParser.Valid) parser.parse(SignalType.REPORT, json(body), "crm", Optional.empty());

        assertThat(keyed.eventId()).isEqualTo("idem-7");
        assertThat(fresh.eventId()).hasSize(36);
        assertThat(((CustomerReport) fresh.record()).getSeverity()).isEqualTo(3);
    }

    @Test
    void shouldBuildComplaintsAndReturns() {
        var complaint = parse(SignalType.COMPLAINT, """
                {"customerId":"C-1","occurredAt":"2026-03-02T09:00:00Z","complaintId":"K-1","status":"OPENED",
                 "severity":4,"slaDueAt":"2026-03-04T09:00:00Z"}""");
        var productReturn = parse(SignalType.RETURN, """
                {"customerId":"C-1","occurredAt":"2026-03-02T09:00:00Z","productId":"P-1","reason":"DEFECTIVE","quantity":2}""");

        assertThat(((Complaint) ((SignalParser.Valid) complaint).record()).getStatus()).isEqualTo(ComplaintStatus.OPENED);
        assertThat(((ProductReturn) ((SignalParser.Valid) productReturn).record()).getReason()).isEqualTo(ReturnReason.DEFECTIVE);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "missing customerId     | {\"occurredAt\":\"2026-03-02T09:00:00Z\",\"feedbackType\":\"NEGATIVE\"}                       | /customerId   | required",
            "customerId wrong type  | {\"customerId\":7,\"occurredAt\":\"2026-03-02T09:00:00Z\",\"feedbackType\":\"NEGATIVE\"}       | /customerId   | type",
            "blank customerId       | {\"customerId\":\"  \",\"occurredAt\":\"2026-03-02T09:00:00Z\",\"feedbackType\":\"NEGATIVE\"}  | /customerId   | not-blank",
            "unknown enum           | {\"customerId\":\"C\",\"occurredAt\":\"2026-03-02T09:00:00Z\",\"feedbackType\":\"ANGRY\"}      | /feedbackType | enum",
            "severity too high      | {\"customerId\":\"C\",\"occurredAt\":\"2026-03-02T09:00:00Z\",\"feedbackType\":\"NEGATIVE\",\"severity\":6} | /severity | range",
            "severity fractional    | {\"customerId\":\"C\",\"occurredAt\":\"2026-03-02T09:00:00Z\",\"feedbackType\":\"NEGATIVE\",\"severity\":2.5} | /severity | type",
            "no offset              | {\"customerId\":\"C\",\"occurredAt\":\"2026-03-02T09:00:00\",\"feedbackType\":\"NEGATIVE\"}     | /occurredAt   | timestamp",
            "future                 | {\"customerId\":\"C\",\"occurredAt\":\"2026-03-02T10:06:00Z\",\"feedbackType\":\"NEGATIVE\"}    | /occurredAt   | not-in-future",
            "too old                | {\"customerId\":\"C\",\"occurredAt\":\"2024-01-01T00:00:00Z\",\"feedbackType\":\"NEGATIVE\"}    | /occurredAt   | max-age",
            "CR LF in customerId    | {\"customerId\":\"C-1\\r\\nX-Forged: 1\",\"occurredAt\":\"2026-03-02T09:00:00Z\",\"feedbackType\":\"NEGATIVE\"} | /customerId | characters",
            "tab in productId       | {\"customerId\":\"C\",\"productId\":\"P\\t1\",\"occurredAt\":\"2026-03-02T09:00:00Z\",\"feedbackType\":\"NEGATIVE\"} | /productId | characters",
            "C1 control in eventId  | {\"eventId\":\"e\\u0085\",\"customerId\":\"C\",\"occurredAt\":\"2026-03-02T09:00:00Z\",\"feedbackType\":\"NEGATIVE\"} | /eventId | characters",
    })
    void shouldNameTheFieldAndRuleOfEachViolation(String name, String body, String pointer, String rule) {
        assertThat(parse(SignalType.REPORT, body)).isInstanceOfSatisfying(SignalParser.Invalid.class, invalid ->
                assertThat(invalid.violations()).extracting(Violation::pointer, Violation::rule)
                        .contains(org.assertj.core.groups.Tuple.tuple(pointer, rule)));
    }

    @Test
    void shouldReportEveryViolationAtOnce() {
        var parsed = parse(SignalType.RETURN, """
                {"customerId":"C-1","occurredAt":"2026-03-02T09:00:00Z","reason":"BORED","quantity":-1}""");

        assertThat(parsed).isInstanceOfSatisfying(SignalParser.Invalid.class, invalid ->
                assertThat(invalid.violations()).extracting(Violation::pointer)
                        .containsExactlyInAnyOrder("/productId", "/reason", "/quantity"));
    }

    @Test
    void shouldRejectUnknownFieldsOnlyWhenConfiguredTo() {
        SignalParser strict = new SignalParser(new SignalParser.Rules(Duration.ofMinutes(5), Duration.ofDays(400), true,
                Clock.fixed(NOW, ZoneOffset.UTC)));
        String body = """
                {"customerId":"C-1","occurredAt":"2026-03-02T09:00:00Z","feedbackType":"NEGATIVE","mood":"grumpy"}""";

        assertThat(parse(SignalType.REPORT, body)).isInstanceOf(SignalParser.Valid.class);
        assertThat(strict.parse(SignalType.REPORT, json(body), "crm", Optional.empty()))
                .isInstanceOfSatisfying(SignalParser.Invalid.class, invalid ->
                        assertThat(invalid.violations()).extracting(Violation::pointer, Violation::rule)
                                .containsExactly(org.assertj.core.groups.Tuple.tuple("/mood", "unknown-field")));
    }

    @Test
    void shouldRejectANonObjectItem() {
        assertThat(parse(SignalType.REPORT, "[1,2]")).isInstanceOf(SignalParser.Invalid.class);
        assertThat(parse(SignalType.REPORT, "\"text\"")).isInstanceOf(SignalParser.Invalid.class);
    }
}
