package dev.forewarn.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Typed, validated reads of environment variables. Every failure is an
 * {@link IllegalArgumentException} naming the variable, the value and the rule, so a process
 * started with a bad setting says exactly what to fix.
 */
public final class Env {

    /** Variables with this prefix are passed to every Kafka client as properties. */
    public static final String KAFKA_PREFIX = "KAFKA_";

    private final Map<String, String> variables;

    public Env(Map<String, String> variables) {
        this.variables = Map.copyOf(variables);
    }

    /** The process environment. */
    public static Env system() {
        return new Env(System.getenv());
    }

    /**
     * The variable's value, trimmed; empty when unset or blank. When {@code NAME} is unset and {@code NAME_FILE}
     * names a file (a Docker or Kubernetes secret), the file's content is the value, so a secret never has to be
     * in the environment. Setting both is refused.
     */
    public Optional<String> optional(String name) {
        Optional<String> value = Optional.ofNullable(variables.get(name)).map(String::trim).filter(v -> !v.isEmpty());
        Optional<String> file = Optional.ofNullable(variables.get(name + "_FILE")).map(String::trim).filter(v -> !v.isEmpty());
        if (file.isEmpty() || name.endsWith("_FILE")) {
            return value;
        }
        if (value.isPresent()) {
            throw new IllegalArgumentException("environment variables " + name + " and " + name + "_FILE are both set: set one");
        }
        try {
            return Optional.of(Files.readString(Path.of(file.get()), StandardCharsets.UTF_8).trim()).filter(v -> !v.isEmpty());
        } catch (IOException e) {
            throw new IllegalArgumentException("environment variable " + name + "_FILE=" + file.get() + ": cannot read the file ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    public String string(String name, String fallback) {
        return optional(name).orElse(fallback);
    }

    public int integer(String name, int fallback, int min, int max) {
        return optional(name).map(value -> {
            try {
                int parsed = Integer.parseInt(value);
                if (parsed < min || parsed > max) {
                    throw invalid(name, value, "must be between " + min + " and " + max);
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw invalid(name, value, "must be a whole number");
            }
        }).orElse(fallback);
    }

    /** A finite decimal number, e.g. {@code 1.5} or {@code -4}. */
    public double decimal(String name, double fallback) {
        return optional(name).map(value -> {
            try {
                double parsed = Double.parseDouble(value);
                if (!Double.isFinite(parsed)) {
                    throw invalid(name, value, "must be a finite number");
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw invalid(name, value, "must be a number such as 1.5");
            }
        }).orElse(fallback);
    }

    public boolean flag(String name, boolean fallback) {
        return optional(name).map(value -> switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw invalid(name, value, "must be true or false");
        }).orElse(fallback);
    }

    /** A duration as ISO-8601 ({@code PT30S}) or a number with a unit: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 4h}, {@code 7d}. */
    public Duration duration(String name, Duration fallback) {
        return optional(name).map(value -> parseDuration(name, value)).orElse(fallback);
    }

    private static Duration parseDuration(String name, String value) {
        try {
            return parseDuration(value);
        } catch (IllegalArgumentException e) {
            throw invalid(name, value, e.getMessage());
        }
    }

    /** Parses {@code 250ms}, {@code 30s}, {@code 5m}, {@code 4h}, {@code 7d} or ISO-8601 ({@code PT30S}); the exception says the rule. */
    public static Duration parseDuration(String value) {
        String text = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (text.startsWith("p")) {
                return Duration.parse(text.toUpperCase(Locale.ROOT));
            }
            String[][] units = {{"ms", "MILLIS"}, {"s", "SECONDS"}, {"m", "MINUTES"}, {"h", "HOURS"}, {"d", "DAYS"}};
            for (String[] unit : units) {
                if (text.endsWith(unit[0])) {
                    long amount = Long.parseLong(text.substring(0, text.length() - unit[0].length()).trim());
                    return Duration.of(amount, java.time.temporal.ChronoUnit.valueOf(unit[1]));
                }
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            // falls through to the rule
        }
        throw new IllegalArgumentException("must be a duration such as 30s, 5m, 4h or PT30S");
    }

    /**
     * Kafka client properties from {@code KAFKA_*} variables: {@code KAFKA_SECURITY_PROTOCOL=SASL_SSL}
     * becomes {@code security.protocol=SASL_SSL}. {@code KAFKA_BOOTSTRAP_SERVERS} is included.
     * These win over the service's own defaults, so TLS and SASL need no code change.
     */
    public Map<String, Object> kafkaProperties() {
        Map<String, Object> properties = new TreeMap<>();
        variables.forEach((name, value) -> {
            if (name.startsWith(KAFKA_PREFIX) && name.length() > KAFKA_PREFIX.length()) {
                properties.put(name.substring(KAFKA_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        return properties;
    }

    private static IllegalArgumentException invalid(String name, String value, String rule) {
        boolean secret = name.contains("PASSWORD") || name.contains("SECRET") || name.contains("KEY") || name.contains("TOKEN");
        return new IllegalArgumentException("environment variable " + name + "=" + (secret ? "(hidden)" : value) + ": " + rule);
    }
}
