package dev.forewarn.ingest.signal;

import dev.forewarn.service.http.Violation;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads typed fields out of one JSON object, collecting every violation instead of stopping at the
 * first, so a client learns everything wrong with a body in one answer. Readers of optional
 * fields return null when the field is absent or JSON null.
 */
final class FieldReader {

    private final JsonNode object;
    private final List<Violation> violations = new ArrayList<>();

    FieldReader(JsonNode object) {
        this.object = object;
    }

    List<Violation> violations() {
        return violations;
    }

    private JsonNode present(String name) {
        JsonNode value = object.get(name);
        return value == null || value.isNull() ? null : value;
    }

    void fail(String name, String rule, String detail) {
        violations.add(new Violation("/" + name, rule, detail));
    }

    String requiredString(String name, int maxLength) {
        String value = optionalString(name, maxLength);
        if (value == null && present(name) == null) {
            fail(name, "required", name + " is required");
        }
        return value;
    }

    String optionalString(String name, int maxLength) {
        JsonNode value = present(name);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            fail(name, "type", name + " must be a string");
            return null;
        }
        String text = value.asText();
        if (text.isBlank()) {
            fail(name, "not-blank", name + " must not be blank");
            return null;
        }
        if (text.length() > maxLength) {
            fail(name, "max-length", name + " must be at most " + maxLength + " characters");
            return null;
        }
        String encodingProblem = encodingProblem(text);
        if (encodingProblem != null) {
            fail(name, "characters", name + " " + encodingProblem);
            return null;
        }
        return text;
    }

    /**
     * An identifier (event, customer, product, complaint, order): a string without any control or
     * line-breaking character at all — ids end up in keys, logs, headers and messages, where a CR,
     * LF or tab could forge a line or a header.
     */
    String optionalId(String name, int maxLength) {
        String text = optionalString(name, maxLength);
        if (text != null && !isPrintableId(text)) {
            fail(name, "characters", name + " must not contain control characters, tabs or line breaks");
            return null;
        }
        return text;
    }

    String requiredId(String name, int maxLength) {
        String value = optionalId(name, maxLength);
        if (value == null && present(name) == null) {
            fail(name, "required", name + " is required");
        }
        return value;
    }

    /** No C0 or C1 control character (tab and line breaks included), no DEL, no Unicode line or paragraph separator. */
    public static boolean isPrintableId(String text) {
        return dev.forewarn.service.Ids.isPrintable(text);
    }

    /** Control characters (other than tab and line breaks) and unpaired surrogates cannot be stored faithfully. */
    private static String encodingProblem(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f) {
                return "must not contain control characters";
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "must not contain unpaired UTF-16 surrogates";
            }
        }
        return null;
    }

    int integer(String name, int fallback, int min, int max) {
        JsonNode value = present(name);
        if (value == null) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            fail(name, "type", name + " must be a whole number");
            return fallback;
        }
        int number = value.intValue();
        if (number < min || number > max) {
            fail(name, "range", name + " must be between " + min + " and " + max);
        }
        return number;
    }

    <E extends Enum<E>> E requiredEnum(String name, Class<E> type) {
        E value = optionalEnum(name, type);
        if (value == null && present(name) == null) {
            fail(name, "required", name + " is required");
        }
        return value;
    }

    <E extends Enum<E>> E optionalEnum(String name, Class<E> type) {
        JsonNode value = present(name);
        if (value == null) {
            return null;
        }
        if (value.isTextual()) {
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equals(value.asText().toUpperCase(Locale.ROOT))) {
                    return constant;
                }
            }
        }
        fail(name, "enum", name + " must be one of " + java.util.Arrays.toString(type.getEnumConstants()));
        return null;
    }

    /** An ISO-8601 timestamp with offset; {@code checkWindow} applies the past/future limits. */
    Instant timestamp(String name, boolean required, Clock clock, Duration maxFuture, Duration maxAge, boolean checkWindow) {
        JsonNode value = present(name);
        if (value == null) {
            if (required) {
                fail(name, "required", name + " is required");
            }
            return null;
        }
        Instant instant = value.isTextual() ? Timestamps.parse(value.asText()) : null;
        if (instant == null) {
            fail(name, "timestamp", name + " must be an ISO-8601 timestamp with offset, e.g. 2026-03-02T09:15:00Z");
            return null;
        }
        Instant now = clock.instant();
        if (checkWindow && instant.isAfter(now.plus(maxFuture))) {
            fail(name, "not-in-future", name + " must not be more than " + maxFuture.toMinutes() + " minutes in the future");
        } else if (checkWindow && instant.isBefore(now.minus(maxAge))) {
            fail(name, "max-age", name + " must not be older than " + maxAge.toDays() + " days");
        }
        return instant.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    /** Names of fields not in {@code known}. */
    List<String> unknownFields(java.util.Set<String> known) {
        List<String> unknown = new ArrayList<>();
        object.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                unknown.add(name);
            }
        });
        return unknown;
    }
}
