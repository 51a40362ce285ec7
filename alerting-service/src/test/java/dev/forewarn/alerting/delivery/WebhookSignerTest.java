package dev.forewarn.alerting.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forewarn.alerting.config.AlertingConfig;
import dev.forewarn.service.Env;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {

    @Test
    void shouldMatchTheStandardWebhooksReferenceVector() {
        byte[] key = WebhookSecrets.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").keyFor("https://example.com/hook");

        String signature = WebhookSigner.sign(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, "{\"test\": 2432232314}");

        assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void shouldPickTheLongestMatchingPrefixElseTheDefault() {
        String a = WebhookSecrets.generate();
        String b = WebhookSecrets.generate();
        String fallback = WebhookSecrets.generate();
        WebhookSecrets secrets = WebhookSecrets.parse(fallback, "https://hooks.example.com/|" + a + ",https://hooks.example.com/team-b/|" + b);

        assertThat(secrets.keyFor("https://hooks.example.com/team-b/x")).isEqualTo(WebhookSecrets.key(b));
        assertThat(secrets.keyFor("https://hooks.example.com/team-a")).isEqualTo(WebhookSecrets.key(a));
        assertThat(secrets.keyFor("https://other.example.com/")).isEqualTo(WebhookSecrets.key(fallback));
        assertThat(secrets.toString()).doesNotContain(a.substring(6, 20));
    }

    @Test
    void shouldMatchEndpointSecretsByOriginAndWholePathSegmentsNotByStringPrefix() {
        String a = WebhookSecrets.generate();
        String fallback = WebhookSecrets.generate();
        WebhookSecrets secrets = WebhookSecrets.parse(fallback, "https://a.example.com/hooks|" + a);

        assertThat(secrets.keyFor("https://a.example.com/hooks")).isEqualTo(WebhookSecrets.key(a));
        assertThat(secrets.keyFor("https://A.Example.com:443/hooks/team?x=1")).isEqualTo(WebhookSecrets.key(a));
        assertThat(secrets.keyFor("https://a.example.com.evil.tld/hooks")).isEqualTo(WebhookSecrets.key(fallback));
        assertThat(secrets.keyFor("https://a.example.com/hooks2")).isEqualTo(WebhookSecrets.key(fallback));
        assertThat(secrets.keyFor("http://a.example.com/hooks")).isEqualTo(WebhookSecrets.key(fallback));
        assertThat(secrets.keyFor("https://a.example.com:8443/hooks")).isEqualTo(WebhookSecrets.key(fallback));
        assertThat(secrets.keyFor("https://user@a.example.com@evil.tld/hooks")).isEqualTo(WebhookSecrets.key(fallback));
    }

    @Test
    void shouldRefuseToStartWithoutASigningSecret() {
        Map<String, String> env = new java.util.HashMap<>(Map.of("ALERTING_AUTH_DISABLED", "true"));
        assertThatThrownBy(() -> AlertingConfig.fromEnv(new Env(env)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("set ALERTING_WEBHOOK_SECRET");
        env.put("ALERTING_WEBHOOK_SECRET", WebhookSecrets.generate());
        assertThat(AlertingConfig.fromEnv(new Env(env)).secrets()).isNotNull();
    }

    @Test
    void shouldRefuseShortOrMalformedSecrets() {
        assertThatThrownBy(() -> WebhookSecrets.of("whsec_c2hvcnQ=")).hasMessageContaining("at least 24 bytes");
        assertThatThrownBy(() -> WebhookSecrets.of("whsec_not base64!")).hasMessageContaining("whsec_");
        assertThatThrownBy(() -> WebhookSecrets.parse("", "no-separator")).hasMessageContaining("<url-prefix>|<whsec_secret>");
    }
}
