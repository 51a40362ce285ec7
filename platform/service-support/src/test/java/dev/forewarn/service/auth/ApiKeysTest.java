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
        assertThatThrownBy(() -> ApiKeys.parse("crm")).hasMessageContaining("entry 1 must be name:token");
        assertThatThrownBy(() -> ApiKeys.parse("crm:short")).hasMessageContaining("at least 16").hasMessageNotContaining("short");
        assertThatThrownBy(() -> ApiKeys.parse("crm:same-key-0123456789,shop:same-key-0123456789"))
                .hasMessageContaining("also given to another name").hasMessageNotContaining("same-key");
    }

    @Test
    void shouldGiveEachTokenItsScopesOrTheDefaultOnes() {
        ApiKeys scoped = ApiKeys.parse("crm:crm-key-0123456789, directory:dir-key-0123456789:owners:write+signals:write",
                Scopes.INGEST, Scopes.INGEST_DEFAULT);

        assertThat(scoped.caller("crm-key-0123456789")).hasValueSatisfying(c -> {
            assertThat(c.name()).isEqualTo("crm");
            assertThat(c.may(Scopes.SIGNALS_WRITE)).isTrue();
            assertThat(c.may(Scopes.OWNERS_WRITE)).as("owners must be granted explicitly").isFalse();
        });
        assertThat(scoped.caller("dir-key-0123456789")).hasValueSatisfying(c -> {
            assertThat(c.may(Scopes.OWNERS_WRITE)).isTrue();
            assertThat(c.may(Scopes.SIGNALS_WRITE)).isTrue();
            assertThat(c.may(Scopes.RISK_READ)).isFalse();
        });
        assertThat(ApiKeys.disabled("local").caller(null)).hasValueSatisfying(c -> assertThat(c.may(Scopes.OWNERS_WRITE)).isTrue());
    }

    @Test
    void shouldRefuseAScopeTheServiceDoesNotKnow() {
        assertThatThrownBy(() -> ApiKeys.parse("crm:crm-key-0123456789:alerts:write", Scopes.INGEST, Scopes.INGEST_DEFAULT))
                .hasMessageContaining("unknown scope 'alerts:write'").hasMessageNotContaining("crm-key");
    }

    @Test
    void shouldReadTheTokensFromTheirVariableItsFileOrTheLegacyVariable(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("tokens");
        java.nio.file.Files.writeString(file, "crm:file-key-0123456789\n");
        dev.forewarn.service.Env fromFile = new dev.forewarn.service.Env(java.util.Map.of("INGEST_API_TOKENS_FILE", file.toString()));
        dev.forewarn.service.Env legacy = new dev.forewarn.service.Env(java.util.Map.of("INGEST_API_KEYS", "shop:legacy-key-0123456789"));
        dev.forewarn.service.Env both = new dev.forewarn.service.Env(java.util.Map.of("INGEST_API_TOKENS", "a:x-key-0123456789",
                "INGEST_API_TOKENS_FILE", file.toString()));

        assertThat(ApiKeys.fromEnv(fromFile, "INGEST", Scopes.INGEST, Scopes.INGEST_DEFAULT, "INGEST_API_KEYS")
                .sourceFor("file-key-0123456789")).hasValue("crm");
        assertThat(ApiKeys.fromEnv(legacy, "INGEST", Scopes.INGEST, Scopes.INGEST_DEFAULT, "INGEST_API_KEYS")
                .sourceFor("legacy-key-0123456789")).hasValue("shop");
        assertThatThrownBy(() -> ApiKeys.fromEnv(both, "INGEST", Scopes.INGEST, Scopes.INGEST_DEFAULT)).hasMessageContaining("both set");
        assertThatThrownBy(() -> ApiKeys.fromEnv(new dev.forewarn.service.Env(java.util.Map.of()), "SCORING", Scopes.SCORING, Scopes.SCORING))
                .hasMessageContaining("SCORING_API_TOKENS is required").hasMessageContaining("SCORING_AUTH_DISABLED");
    }
}
