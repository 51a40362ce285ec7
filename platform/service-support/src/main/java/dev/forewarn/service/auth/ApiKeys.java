package dev.forewarn.service.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * API keys per source system. A request's key decides the {@code source} stamped on its events,
 * so a caller cannot pose as another system. Keys are kept only as SHA-256 digests and compared
 * in constant time against every configured key (no early exit), and never logged.
 */
public final class ApiKeys {

    private record Entry(String source, byte[] digest) {
    }

    private final List<Entry> entries;
    private final Optional<String> disabledSource;

    private ApiKeys(List<Entry> entries, Optional<String> disabledSource) {
        this.entries = List.copyOf(entries);
        this.disabledSource = disabledSource;
    }

    /**
     * Keys from {@code source:key} pairs separated by commas, e.g. {@code crm:s3cr3t,shop:0th3r}.
     * Sources and keys must be non-blank and each key unique.
     *
     * @throws IllegalArgumentException naming the pair at fault, never the key itself
     */
    public static ApiKeys parse(String spec) {
        List<Entry> entries = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String[] pairs = spec.split(",");
        for (int i = 0; i < pairs.length; i++) {
            String pair = pairs[i].trim();
            int colon = pair.indexOf(':');
            if (colon <= 0 || colon == pair.length() - 1) {
                throw new IllegalArgumentException("API key entry " + (i + 1) + " must be source:key");
            }
            String source = pair.substring(0, colon).trim();
            String key = pair.substring(colon + 1).trim();
            if (source.isEmpty() || key.length() < 16) {
                throw new IllegalArgumentException("API key of source " + source + " must be at least 16 characters");
            }
            if (!seen.add(key)) {
                throw new IllegalArgumentException("API key of source " + source + " is also given to another source");
            }
            entries.add(new Entry(source, sha256(key)));
        }
        return new ApiKeys(entries, Optional.empty());
    }

    /** No authentication: every request is from {@code source}. For the local run only. */
    public static ApiKeys disabled(String source) {
        return new ApiKeys(List.of(), Optional.of(source));
    }

    public boolean enabled() {
        return disabledSource.isEmpty();
    }

    /** The source system {@code presentedKey} belongs to; empty for a missing or unknown key. */
    public Optional<String> sourceFor(String presentedKey) {
        if (disabledSource.isPresent()) {
            return disabledSource;
        }
        if (presentedKey == null || presentedKey.isEmpty()) {
            return Optional.empty();
        }
        byte[] presented = sha256(presentedKey);
        String match = null;
        for (Entry entry : entries) {
            // Digests have a fixed length, so isEqual takes the same time for every key; no break.
            if (MessageDigest.isEqual(entry.digest(), presented)) {
                match = entry.source();
            }
        }
        return Optional.ofNullable(match);
    }

    /** The key from {@code Authorization: Bearer <key>}, else from {@code X-API-Key}. */
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
