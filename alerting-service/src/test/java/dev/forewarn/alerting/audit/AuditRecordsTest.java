package dev.forewarn.alerting.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AuditRecordsTest {

    @Test
    void shouldKeepOnlySchemeHostAndPortOfAUrl() {
        assertThat(AuditRecords.redact("https://hooks.slack.com/services/T0001/B0002/XXXXsecretXXXX")).isEqualTo("https://hooks.slack.com");
        assertThat(AuditRecords.redact("https://user:password@hooks.example.com:8443/forewarn?token=abc#x"))
                .isEqualTo("https://hooks.example.com:8443");
        assertThat(AuditRecords.redact("not a url://")).isEqualTo("(invalid URL)");
    }

    @Test
    void shouldLeaveAnEmailAddressAsItIs() {
        assertThat(AuditRecords.redact("anna@example.com")).isEqualTo("anna@example.com");
    }
}
