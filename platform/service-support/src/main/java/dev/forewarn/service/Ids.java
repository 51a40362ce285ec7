package dev.forewarn.service;

/** What an id (event, customer, product, complaint) may contain: it goes into keys, logs and messages. */
public final class Ids {

    private Ids() {
    }

    /**
     * No control character (C0, DEL, C1), tab or line break, Unicode's line and paragraph separators included. A plain
     * loop: ingest checks every id of every signal, and the backtest reads millions of them.
     */
    public static boolean isPrintable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c >= 0x7f && c <= 0x9f || c == 0x2028 || c == 0x2029) {
                return false;
            }
        }
        return true;
    }
}
