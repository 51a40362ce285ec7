package dev.forewarn.alerting.topology;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;

/**
 * Stable notification ids ({@code webhook-id}): derived from the alert, the start of its firing and
 * the notification's sequence number, so re-delivering the same notification repeats its id and a
 * later firing of the same entity never reuses one.
 */
public final class NotificationIds {

    private NotificationIds() {
    }

    public static String of(String alertId, Instant firedAt, int sequence) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((alertId + "\n" + firedAt.toEpochMilli() + "\n" + sequence).getBytes(StandardCharsets.UTF_8));
            return "ntf_" + Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 18));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
