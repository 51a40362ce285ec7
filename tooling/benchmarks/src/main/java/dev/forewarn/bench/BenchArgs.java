package dev.forewarn.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** {@code --name=value} options of a benchmark: each read once, anything left over is an error. */
final class BenchArgs {

    private final Map<String, String> given = new HashMap<>();

    BenchArgs(String[] args) {
        for (String arg : args) {
            String[] pair = arg.replaceFirst("^--", "").split("=", 2);
            if (pair.length != 2) {
                throw new IllegalArgumentException("options are --name=value, got " + arg);
            }
            given.put(pair[0], pair[1]);
        }
    }

    int integer(String name, int fallback) {
        return Optional.ofNullable(given.remove(name)).map(Integer::parseInt).orElse(fallback);
    }

    String string(String name, String fallback) {
        return Optional.ofNullable(given.remove(name)).orElse(fallback);
    }

    /** Fails on options nobody read (a typo must not silently run the defaults). */
    <T> T done(T options) {
        if (!given.isEmpty()) {
            throw new IllegalArgumentException("unknown options " + given.keySet());
        }
        return options;
    }
}
