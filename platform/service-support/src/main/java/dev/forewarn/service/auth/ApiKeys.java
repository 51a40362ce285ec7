package dev.forewarn.service.auth;

import dev.forewarn.service.Env;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * API tokens with scopes, the one scheme of every Forewarn HTTP API. Each token has a name — the
 * source system stamped on ingested events, the actor recorded on an acknowledgement — and the
 * scopes it may use ({@code signals:write}, {@code owners:write}, {@code risk:read}, {@code alerts:read},
 * {@code alerts:write}, {@code silences:write}, {@code desk}). Tokens are kept only as SHA-256 digests,
 * compared in constant time against every configured token (no early exit), and never logged.
 */
public final class ApiKeys {

    /** Who presented a valid token: its name and scopes. */
    public record Caller(String name, Set<String> scopes) {

        /** Whether the caller may use {@code scope} ({@code *} stands for every scope). */
        public boolean may(String scope) {
            return scopes.contains(scope) || scopes.contains(ALL);
        }
    }

    private record Entry(String name, byte[] digest, Set<String> scopes) {
    }

    /** The scope that stands for every scope: tokens of {@link #parse(String)} and the caller of a disabled service hold it. */
    private static final String ALL = "*";

    private final List<Entry> entries;
    private final Optional<Caller> disabled;

    private ApiKeys(List<Entry> entries, Optional<Caller> disabled) {
        this.entries = List.copyOf(entries);
        this.disabled = disabled;
    }

    /**
     * Tokens from {@code name:token} or {@code name:token:scope+scope} entries separated by commas, e.g.
     * {@code crm:<token>:signals:write,directory:<token>:owners:write+signals:write}. A token holds no colon; an entry
     * without scopes gets {@code defaultScopes}; a scope outside {@code knownScopes} is refused. Names must be
     * non-blank, tokens at least 16 characters and each token unique.
     *
     * @throws IllegalArgumentException naming the entry at fault, never the token itself
     */
    public static ApiKeys parse(String spec, Set<String> knownScopes, Set<String> defaultScopes) {
        List<Entry> entries = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String[] items = spec.split(",");
        for (int i = 0; i < items.length; i++) {
            String[] parts = items[i].trim().split(":", 3);
            if (parts.length < 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new IllegalArgumentException("token entry " + (i + 1) + " must be name:token or name:token:scope+scope");
            }
            String name = parts[0].trim();
            String token = parts[1].trim();
            Set<String> scopes = new LinkedHashSet<>(defaultScopes);
            if (parts.length == 3) {
                scopes.clear();
                for (String scope : parts[2].split("\\+")) {
                    String s = scope.trim();
                    if (!knownScopes.contains(s)) {
                        throw new IllegalArgumentException("token " + name + " has unknown scope '" + s + "'; known: " + knownScopes);
                    }
                    scopes.add(s);
                }
            }
            if (token.length() < 16) {
                throw new IllegalArgumentException("token " + name + " must be at least 16 characters");
            }
            if (!seen.add(token)) {
                throw new IllegalArgumentException("token " + name + " is also given to another name");
            }
            entries.add(new Entry(name, sha256(token), Set.copyOf(scopes)));
        }
        return new ApiKeys(entries, Optional.empty());
    }

    /** Tokens from {@code name:token} pairs, each with every scope: for tests and tools. */
    public static ApiKeys parse(String spec) {
        return parse(spec, Set.of(), Set.of(ALL));
    }

    /**
     * The tokens of a service from the environment: {@code <PREFIX>_API_TOKENS} (or {@code <PREFIX>_API_TOKENS_FILE},
     * or a legacy variable of {@code legacy}), or {@code <PREFIX>_AUTH_DISABLED=true} (local run only: every request is
     * {@code <PREFIX>_SOURCE}, default {@code local}, with every scope). The service does not start with neither.
     */
    public static ApiKeys fromEnv(Env env, String prefix, Set<String> knownScopes, Set<String> defaultScopes, String... legacy) {
        if (env.flag(prefix + "_AUTH_DISABLED", false)) {
            return disabled(env.string(prefix + "_SOURCE", "local"));
        }
        String variable = prefix + "_API_TOKENS";
        Optional<String> spec = env.optional(variable);
        for (String old : legacy) {
            if (spec.isEmpty()) {
                spec = env.optional(old);
                variable = old;
            }
        }
        String name = variable;
        String value = spec.orElseThrow(() -> new IllegalArgumentException("environment variable " + prefix + "_API_TOKENS is required"
                + " (name:token or name:token:scope+scope, comma-separated; scopes " + knownScopes + "), or set "
                + prefix + "_AUTH_DISABLED=true for a local run"));
        try {
            return parse(value, knownScopes, defaultScopes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("environment variable " + name + "=(hidden): " + e.getMessage(), e);
        }
    }

    /** No authentication: every request is from {@code source} and may use every scope. For the local run only. */
    public static ApiKeys disabled(String source) {
        return new ApiKeys(List.of(), Optional.of(new Caller(source, Set.of(ALL))));
    }

    public boolean enabled() {
        return disabled.isEmpty();
    }

    /** Who presented {@code presentedKey}; empty for a missing or unknown token. */
    public Optional<Caller> caller(String presentedKey) {
        if (disabled.isPresent()) {
            return disabled;
        }
        if (presentedKey == null || presentedKey.isEmpty()) {
            return Optional.empty();
        }
        byte[] presented = sha256(presentedKey);
        Entry match = null;
        for (Entry entry : entries) {
            // Digests have a fixed length, so isEqual takes the same time for every token; no break.
            if (MessageDigest.isEqual(entry.digest(), presented)) {
                match = entry;
            }
        }
        return Optional.ofNullable(match).map(e -> new Caller(e.name(), e.scopes()));
    }

    /** The name {@code presentedKey} belongs to; empty for a missing or unknown token. */
    public Optional<String> sourceFor(String presentedKey) {
        return caller(presentedKey).map(Caller::name);
    }

    /** The token from {@code Authorization: Bearer <token>}, else from {@code X-API-Key}. */
    public static String presentedKey(String authorization, String apiKeyHeader) {
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).trim();
        }
        return apiKeyHeader == null ? null : apiKeyHeader.trim();
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
