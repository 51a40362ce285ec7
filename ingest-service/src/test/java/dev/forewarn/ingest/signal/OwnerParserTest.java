package dev.forewarn.ingest.signal;

import dev.forewarn.service.http.Violation;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forewarn.events.EntityType;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class OwnerParserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private final OwnerParser parser = new OwnerParser(Clock.fixed(NOW, ZoneOffset.UTC), false);

    @Test
    void shouldBuildTheAssignmentKeyedByEntity() throws Exception {
        OwnerParser.Parsed parsed = parser.parse("customer", "C-1", JSON.readTree("""
                {"ownerId":"am-7","ownerName":"Ada","email":"ada@example.com","webhookUrl":"https://hooks.example.com/x"}"""));

        assertThat(parsed).isInstanceOfSatisfying(OwnerParser.Valid.class, valid -> {
            assertThat(valid.key()).isEqualTo("CUSTOMER:C-1");
            assertThat(valid.assignment().getEntityType()).isEqualTo(EntityType.CUSTOMER);
            assertThat(valid.assignment().getOwnerId()).isEqualTo("am-7");
            assertThat(valid.assignment().getWebhookUrl()).isEqualTo("https://hooks.example.com/x");
            assertThat(valid.assignment().getUpdatedAt()).isEqualTo(NOW);
        });
    }

    @Test
    void shouldNameEveryBrokenRuleIncludingThePath() throws Exception {
        OwnerParser.Parsed badPath = parser.parse("planet", "P-1", JSON.readTree("{\"ownerId\":\"x\"}"));
        OwnerParser.Parsed badBody = parser.parse("PRODUCT", "P-1", JSON.readTree("""
                {"email":"not-an-address","webhookUrl":"ftp://x/y","slackWebhookUrl":"javascript:alert(1)"}"""));

        assertThat(badPath).isInstanceOfSatisfying(OwnerParser.Invalid.class, invalid ->
                assertThat(invalid.violations()).extracting(Violation::pointer).containsExactly("/entityType"));
        assertThat(badBody).isInstanceOfSatisfying(OwnerParser.Invalid.class, invalid ->
                assertThat(invalid.violations()).extracting(v -> v.pointer() + " " + v.rule()).containsExactly(
                        "/ownerId required", "/email email", "/webhookUrl url", "/slackWebhookUrl url"));
    }
}
