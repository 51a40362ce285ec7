package dev.forewarn.bench;

import dev.forewarn.ingest.signal.SignalType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A realistic mix of signals as CRM and shop systems send them: 60 % reports, 25 % complaints,
 * 15 % returns, over 50,000 customers and 2,000 products, with optional fields filled as often as
 * real feeds fill them. Bodies are generated up front so the load generator only sends.
 */
final class SignalMix {

    private static final String[] FEEDBACK = {"NEGATIVE", "NEGATIVE", "IMPROVEMENT", "CONFIRMATION"};
    private static final String[] KANO = {"MUST_BE", "PERFORMANCE", "ATTRACTIVE", "INDIFFERENT"};
    private static final String[] STATUS = {"OPENED", "OPENED", "ACKNOWLEDGED", "RESOLVED", "REOPENED"};
    private static final String[] REASON = {"DEFECTIVE", "DAMAGED", "NOT_AS_DESCRIBED", "WRONG_ITEM", "LATE_DELIVERY"};
    private static final String[] TEXT = {"The lid cracks after a week of normal use.", "Delivery was two days late.",
            "Works as promised, thank you.", "Please add a larger size.", "Support never called back."};

    private final SplittableRandom random;
    private final String occurredAt = Instant.now().minusSeconds(120).toString();
    private final String slaDueAt = Instant.now().plusSeconds(172_800).toString();

    SignalMix(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** The type of the next signal, drawn 60/25/15. */
    SignalType nextType() {
        int draw = random.nextInt(100);
        return draw < 60 ? SignalType.REPORT : draw < 85 ? SignalType.COMPLAINT : SignalType.RETURN;
    }

    /** One JSON object of {@code type}. */
    String event(SignalType type) {
        String customer = "C-" + random.nextInt(50_000);
        String product = "P-" + random.nextInt(2_000);
        String kano = KANO[random.nextInt(KANO.length)];
        String common = "\"customerId\":\"" + customer + "\",\"occurredAt\":\"" + occurredAt + "\",\"productId\":\""
                + product + "\",\"kanoCategory\":\"" + kano + "\",\"channel\":\"shop\"";
        return switch (type) {
            case REPORT -> "{" + common + ",\"feedbackType\":\"" + FEEDBACK[random.nextInt(FEEDBACK.length)]
                    + "\",\"severity\":" + (1 + random.nextInt(5)) + ",\"text\":\"" + TEXT[random.nextInt(TEXT.length)] + "\"}";
            case COMPLAINT -> "{" + common + ",\"complaintId\":\"K-" + random.nextInt(1_000_000) + "\",\"status\":\""
                    + STATUS[random.nextInt(STATUS.length)] + "\",\"severity\":" + (1 + random.nextInt(5))
                    + ",\"slaDueAt\":\"" + slaDueAt + "\",\"category\":\"quality\"}";
            case RETURN -> "{" + common + ",\"reason\":\"" + REASON[random.nextInt(REASON.length)] + "\",\"quantity\":"
                    + (1 + random.nextInt(3)) + ",\"orderId\":\"O-" + random.nextInt(1_000_000) + "\"}";
        };
    }

    /** A JSON array of {@code size} events of {@code type}. */
    String batch(SignalType type, int size) {
        List<String> events = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            events.add(event(type));
        }
        return "[" + String.join(",", events) + "]";
    }
}
