package dev.forewarn.alerting.delivery;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Signing secrets per webhook endpoint, in the Standard Webhooks form {@code whsec_<base64 key>}:
 * the longest configured URL prefix that matches an endpoint gives its secret, else the default.
 * Secrets are never logged ({@link #toString} hides them).
 */
public final class WebhookSecrets {

    private final byte[] defaultKey;
    private final Map<String, byte[]> byPrefix;

    private WebhookSecrets(byte[] defaultKey, Map<String, byte[]> byPrefix) {
        this.defaultKey = defaultKey;
        this.byPrefix = byPrefix;
    }

    /**
     * @param defaultSecret {@code whsec_...}; blank generates a random key for this process only (receivers cannot verify it)
     * @param perEndpoint   {@code <url-prefix>|<secret>} entries separated by commas
     */
    public static WebhookSecrets parse(String defaultSecret, String perEndpoint) {
        byte[] fallback = defaultSecret.isBlank() ? random() : key(defaultSecret.trim());
        Map<String, byte[]> byPrefix = new LinkedHashMap<>();
        for (String entry : perEndpoint.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int bar = entry.lastIndexOf('|');
            if (bar <= 0) {
                throw new IllegalArgumentException("entries must be <url-prefix>|<whsec_secret>");
            }
            byPrefix.put(entry.substring(0, bar).trim(), key(entry.substring(bar + 1).trim()));
        }
        return new WebhookSecrets(fallback, byPrefix);
    }

    public static WebhookSecrets of(String secret) {
        return parse(secret, "");
    }

    /** A new random secret in {@code whsec_} form. */
    public static String generate() {
        return "whsec_" + Base64.getEncoder().encodeToString(random());
    }

    /** The signing key of {@code url}. */
    public byte[] keyFor(String url) {
        return byPrefix.entrySet().stream()
                .filter(e -> url.startsWith(e.getKey()))
                .max(Comparator.comparingInt(e -> e.getKey().length()))
                .map(Map.Entry::getValue)
                .orElse(defaultKey);
    }

    static byte[] key(String secret) {
        String encoded = secret.startsWith("whsec_") ? secret.substring(6) : secret;
        try {
            byte[] key = Base64.getDecoder().decode(encoded);
            if (key.length < 24) {
                throw new IllegalArgumentException("a secret must hold at least 24 bytes");
            }
            return key;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a secret must be whsec_ followed by base64 of at least 24 bytes");
        }
    }

    private static byte[] random() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    @Override
    public String toString() {
        return "WebhookSecrets[" + byPrefix.size() + " endpoint secrets, hidden]";
    }
}
