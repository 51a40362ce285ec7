package dev.forewarn.service.http;

import io.javalin.http.Context;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Query parameters read the same way by every API: absent or empty means the default, anything
 * else is checked and a broken rule becomes a {@link Violation} naming the parameter (never a 500).
 */
public final class QueryParams {

    private QueryParams() {
    }

    /** An enum parameter, case-insensitive; empty when absent or invalid (then a violation is added). */
    public static <E extends Enum<E>> Optional<E> enumParam(Context ctx, String name, Class<E> type, List<Violation> violations) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            violations.add(new Violation("/" + name, "enum", name + " must be one of " + Arrays.toString(type.getEnumConstants())));
            return Optional.empty();
        }
    }

    /** An integer parameter in {@code min..max}; {@code fallback} when absent or invalid (then a violation is added). */
    public static int intParam(Context ctx, String name, int min, int max, int fallback, List<Violation> violations) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below, like a number out of range
        }
        violations.add(new Violation("/" + name, "range", name + " must be an integer in " + min + ".." + max));
        return fallback;
    }
}
