package dev.forewarn.service.links;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The links a notification carries, built the same way by alerting-service (which writes them) and the quality desk
 * (which answers them): the alert's page on the desk when there is a desk ({@code apiUrl/v1/alerts/{id}} otherwise),
 * and a one-click acknowledge link, {@code deskUrl/ack/{id}?exp=<epoch seconds>&sig=<HMAC-SHA256>}, signed with a
 * secret both share and valid until {@code exp}. The link opens a confirmation page; only its button acknowledges.
 *
 * @param apiUrl      alerting-service's public URL
 * @param deskUrl     the quality desk's public URL, or null when there is none
 * @param ackSecret   the signing secret of acknowledge links, or null (no one-click links)
 * @param ackValidity how long an acknowledge link works after the notification was written
 * @param clock       the time links are signed at
 */
public record AlertLinks(String apiUrl, String deskUrl, byte[] ackSecret, Duration ackValidity, Clock clock) {

    private static final Base64.Encoder SIGNATURE = Base64.getUrlEncoder().withoutPadding();

    public AlertLinks {
        apiUrl = stripSlash(apiUrl);
        deskUrl = deskUrl == null || deskUrl.isBlank() ? null : stripSlash(deskUrl);
        if (ackSecret != null && ackSecret.length < 16) {
            throw new IllegalArgumentException("an acknowledge-link secret must have at least 16 bytes");
        }
    }

    /** Links to the API only: no desk, no one-click acknowledgement. */
    public static AlertLinks apiOnly(String apiUrl) {
        return new AlertLinks(apiUrl, null, null, Duration.ofHours(72), Clock.systemUTC());
    }

    /** The page a person opens for alert {@code id}: the desk's, or the API's. */
    public String alert(String id) {
        return deskUrl == null ? api(id) : deskUrl + "/alerts/" + encode(id);
    }

    /** The alert in the API (JSON, token required). */
    public String api(String id) {
        return apiUrl + "/v1/alerts/" + id;
    }

    /** A signed, expiring link to the desk's acknowledge page for alert {@code id}; empty without a desk or a secret. */
    public Optional<String> oneClickAck(String id) {
        if (deskUrl == null || ackSecret == null) {
            return Optional.empty();
        }
        long expires = clock.instant().plus(ackValidity).getEpochSecond();
        return Optional.of(deskUrl + "/ack/" + encode(id) + "?exp=" + expires + "&sig=" + sign(ackSecret, id, expires));
    }

    /** Whether {@code signature} is {@code secret}'s signature of ({@code id}, {@code expires}) and {@code expires} is after {@code now}. */
    public static boolean verify(byte[] secret, String id, long expires, String signature, Instant now) {
        if (secret == null || signature == null || now.getEpochSecond() >= expires) {
            return false;
        }
        return MessageDigest.isEqual(sign(secret, id, expires).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII));
    }

    static String sign(byte[] secret, String id, long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return SIGNATURE.encodeToString(mac.doFinal((id + "\n" + expires).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static String encode(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
