package dev.forewarn.scoring.model;

import dev.forewarn.events.ComplaintStatus;
import dev.forewarn.events.FeedbackType;
import dev.forewarn.events.KanoCategory;
import dev.forewarn.events.ReturnReason;
import dev.forewarn.events.SignalKind;

/**
 * One customer signal as the model sees it: what it is and when it happened. Fields that do not
 * apply to the kind are null (or 0).
 *
 * @param occurredAt event time, epoch milliseconds
 * @param slaDueAt   complaints only: when the SLA runs out, epoch milliseconds, or null
 * @param source     the producing system (with the event id, what identifies the event); null where it does not matter
 */
public record Signal(String eventId, String customerId, String productId, SignalKind kind, long occurredAt,
                     KanoCategory kano, FeedbackType feedbackType, int severity, ReturnReason returnReason,
                     String complaintId, ComplaintStatus complaintStatus, Long slaDueAt, String source) {

    /** This signal from {@code source}. */
    public Signal withSource(String source) {
        return new Signal(eventId, customerId, productId, kind, occurredAt, kano, feedbackType, severity, returnReason,
                complaintId, complaintStatus, slaDueAt, source);
    }

    /**
     * What identifies the event for deduplication, hashed to 64 bits: its source system and its id
     * there (two systems may reuse an id; one system's id is unique within it). FNV-1a over both with a
     * separator, then MurmurHash3's finalizer; two of a customer's ids collide with a chance of about
     * one in 10^16 for a customer with a hundred events in the horizon.
     */
    public long identityHash() {
        long h = 0xcbf29ce484222325L;
        if (source != null) {
            h = fnv(h, source);
        }
        h = (h ^ 0x1f) * 0x100000001b3L;
        h = fnv(h, eventId);
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }

    private static long fnv(long h, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            h = (h ^ (c & 0xff)) * 0x100000001b3L;
            h = (h ^ (c >>> 8)) * 0x100000001b3L;
        }
        return h;
    }

    public static Signal report(String eventId, String customerId, String productId, long occurredAt, KanoCategory kano,
                                FeedbackType type, int severity) {
        return new Signal(eventId, customerId, productId, SignalKind.REPORT, occurredAt, kano, type, severity, null, null, null, null, null);
    }

    public static Signal complaint(String eventId, String customerId, String productId, long occurredAt, KanoCategory kano,
                                   String complaintId, ComplaintStatus status, int severity, Long slaDueAt) {
        return new Signal(eventId, customerId, productId, SignalKind.COMPLAINT, occurredAt, kano, null, severity, null,
                complaintId, status, slaDueAt, null);
    }

    public static Signal productReturn(String eventId, String customerId, String productId, long occurredAt,
                                       KanoCategory kano, ReturnReason reason) {
        return new Signal(eventId, customerId, productId, SignalKind.RETURN, occurredAt, kano, null, 0, reason, null, null, null, null);
    }
}
