package dev.forewarn.serde.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Base64;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class RegistryClientConfigTest {

    @Test
    void shouldTakeBasicCredentialsFromTheUrlAndStripThemFromIt() {
        RegistryClientConfig config = RegistryClientConfig.of("http://alice:s3cret@registry:8081/");

        assertThat(config.urls()).containsExactly(URI.create("http://registry:8081"));
        assertThat(config.authorization()).contains(
                "Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes()));
        assertThat(config.toString()).doesNotContain("s3cret").doesNotContain("alice");
    }

    @Test
    void shouldReadConfluentNamedAuthKeys() {
        var basic = RegistryClientConfig.fromMap(Map.of(RegistryClientConfig.URL, "http://a:1,http://b:2",
                RegistryClientConfig.BASIC_AUTH_SOURCE, "USER_INFO", RegistryClientConfig.BASIC_AUTH_USER_INFO, "u:p"));
        var bearer = RegistryClientConfig.fromMap(Map.of(RegistryClientConfig.URL, "https://r",
                RegistryClientConfig.BEARER_AUTH_SOURCE, "STATIC_TOKEN", RegistryClientConfig.BEARER_AUTH_TOKEN, "tok"));

        assertThat(basic.urls()).hasSize(2);
        assertThat(basic.authorization()).contains("Basic " + Base64.getEncoder().encodeToString("u:p".getBytes()));
        assertThat(bearer.authorization()).contains("Bearer tok");
    }

    @Test
    void shouldNameTheKeyWhenConfigIsWrong() {
        assertThatThrownBy(() -> RegistryClientConfig.fromMap(Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.url");
        assertThatThrownBy(() -> RegistryClientConfig.of("ftp://registry"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("http or https");
        assertThatThrownBy(() -> RegistryClientConfig.fromMap(Map.of(RegistryClientConfig.URL, "http://r",
                RegistryClientConfig.BASIC_AUTH_SOURCE, "USER_INFO", RegistryClientConfig.BASIC_AUTH_USER_INFO, "nocolon")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("basic.auth.user.info")
                .hasMessageNotContaining("nocolon");
    }
}
