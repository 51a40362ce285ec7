package dev.forewarn.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvTest {

    @Test
    void shouldPassKafkaVariablesThroughAsClientProperties() {
        Env env = new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", "b:9092", "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_JAAS_CONFIG", "x", "OTHER", "y"));

        assertThat(env.kafkaProperties()).containsOnly(
                Map.entry("bootstrap.servers", "b:9092"),
                Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.jaas.config", "x"));
    }

    @Test
    void shouldNameTheVariableAndRuleWhenAValueIsInvalid() {
        Env env = new Env(Map.of("PORT", "eighty", "RANGE", "70000", "WAIT", "soon"));

        assertThatThrownBy(() -> env.integer("PORT", 1, 1, 65535)).hasMessageContaining("PORT=eighty")
                .hasMessageContaining("whole number");
        assertThatThrownBy(() -> env.integer("RANGE", 1, 1, 65535)).hasMessageContaining("between 1 and 65535");
        assertThatThrownBy(() -> env.duration("WAIT", Duration.ZERO)).hasMessageContaining("WAIT=soon");
    }

    @Test
    void shouldHideSecretValuesInErrors() {
        Env env = new Env(Map.of("API_TOKEN_TTL", "hunter2"));

        assertThatThrownBy(() -> env.duration("API_TOKEN_TTL", Duration.ZERO))
                .hasMessageContaining("(hidden)").hasMessageNotContaining("hunter2");
    }

    @Test
    void shouldParseDurationsWithUnitsAndDefaults() {
        Env env = new Env(Map.of("A", "250ms", "B", "30s", "C", "4h", "D", "PT2M", "E", " "));

        assertThat(env.duration("A", Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
        assertThat(env.duration("B", Duration.ZERO)).isEqualTo(Duration.ofSeconds(30));
        assertThat(env.duration("C", Duration.ZERO)).isEqualTo(Duration.ofHours(4));
        assertThat(env.duration("D", Duration.ZERO)).isEqualTo(Duration.ofMinutes(2));
        assertThat(env.duration("E", Duration.ofDays(1))).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void shouldReadDecimalsAndNameTheVariableWhenOneIsBad() {
        Env env = new Env(java.util.Map.of("A", "1.5", "B", "-4", "C", "NaN", "D", "lots"));

        org.assertj.core.api.Assertions.assertThat(env.decimal("A", 0)).isEqualTo(1.5);
        org.assertj.core.api.Assertions.assertThat(env.decimal("B", 0)).isEqualTo(-4.0);
        org.assertj.core.api.Assertions.assertThat(env.decimal("MISSING", 2.5)).isEqualTo(2.5);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> env.decimal("C", 0)).hasMessageContaining("C=NaN").hasMessageContaining("finite");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> env.decimal("D", 0)).hasMessageContaining("D=lots");
    }
}
