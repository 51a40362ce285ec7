package dev.forewarn.service.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ApiKeysTest {

    private final ApiKeys keys = ApiKeys.parse("crm:crm-key-0123456789, shop : shop-key-0123456789");

    @Test
    void shouldNameTheSourceOfAKnownKeyAndNothingForOthers() {
        assertThat(keys.sourceFor("crm-key-0123456789")).hasValue("crm");
        assertThat(keys.sourceFor("shop-key-0123456789")).hasValue("shop");
        assertThat(keys.sourceFor("crm-key-012345678")).isEmpty();
        assertThat(keys.sourceFor("")).isEmpty();
        assertThat(keys.sourceFor(null)).isEmpty();
    }

    @Test
    void shouldTakeTheKeyFromBearerOrXApiKey() {
        assertThat(ApiKeys.presentedKey("Bearer abc", null)).isEqualTo("abc");
        assertThat(ApiKeys.presentedKey("bearer  abc ", "other")).isEqualTo("abc");
        assertThat(ApiKeys.presentedKey(null, "xyz")).isEqualTo("xyz");
        assertThat(ApiKeys.presentedKey("Basic dXNlcjpwYXNz", null)).isNull();
    }

    @Test
    void shouldStampTheConfiguredSourceWhenDisabled() {
        ApiKeys disabled = ApiKeys.disabled("local");

        assertThat(disabled.enabled()).isFalse();
        assertThat(disabled.sourceFor(null)).hasValue("local");
        assertThat(keys.enabled()).isTrue();
    }

    @Test
    void shouldRejectBadConfigurationWithoutEchoingTheKey() {
        assertThatThrownBy(() -> ApiKeys.parse("crm")).hasMessageContaining("entry 1 must be source:key");
        assertThatThrownBy(() -> ApiKeys.parse("crm:short")).hasMessageContaining("at least 16").hasMessageNotContaining("short");
        assertThatThrownBy(() -> ApiKeys.parse("crm:same-key-0123456789,shop:same-key-0123456789"))
                .hasMessageContaining("also given to another source").hasMessageNotContaining("same-key");
    }
}
