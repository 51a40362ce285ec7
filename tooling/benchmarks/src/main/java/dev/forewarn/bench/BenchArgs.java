package dev.forewarn.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code --name=value} options of a benchmark: each read once with its default, anything wrong or left over is an
 * error that names the option and lists the ones there are; {@code --help} lists them.
 */
final class BenchArgs {

    /** A command line the benchmark cannot run: the message says every reason and lists the options. */
    static final class Invalid extends IllegalArgumentException {
        Invalid(String message) {
            super(message);
        }
    }

    /** {@code --help} was given: the message is the list of options. */
    static final class HelpRequested extends RuntimeException {
        HelpRequested(String usage) {
            super(usage, null, false, false);
        }
    }

    private final Map<String, String> given = new LinkedHashMap<>();
    private final Map<String, String> known = new LinkedHashMap<>();
    private final List<String> errors = new ArrayList<>();
    private boolean help;

    BenchArgs(String[] args) {
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
                continue;
            }
            String[] pair = arg.replaceFirst("^--", "").split("=", 2);
            if (!arg.startsWith("--") || pair.length != 2 || pair[0].isEmpty()) {
                errors.add("options are --name=value, got '" + arg + "'");
            } else if (given.put(pair[0], pair[1]) != null) {
                errors.add("--" + pair[0] + " is given twice");
            }
        }
    }

    /** An integer option of at least {@code min}. */
    int integer(String name, int fallback, int min) {
        known.put(name, "an integer >= " + min + ", default " + fallback);
        String value = given.remove(name);
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.strip());
            if (parsed >= min) {
                return parsed;
            }
            errors.add("--" + name + " must be at least " + min + ", got " + parsed);
        } catch (NumberFormatException e) {
            errors.add("--" + name + " must be an integer, got '" + value + "'");
        }
        return fallback;
    }

    /** {@code true} or {@code false}, nothing else. */
    boolean bool(String name, boolean fallback) {
        known.put(name, "true or false, default " + fallback);
        String value = given.remove(name);
        if (value == null) {
            return fallback;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                errors.add("--" + name + " must be true or false, got '" + value + "'");
                yield fallback;
            }
        };
    }

    /** One of {@code allowed}. */
    String choice(String name, String fallback, List<String> allowed) {
        known.put(name, String.join(" or ", allowed) + ", default " + fallback);
        String value = given.remove(name);
        if (value == null) {
            return fallback;
        }
        if (!allowed.contains(value.strip())) {
            errors.add("--" + name + " must be " + String.join(" or ", allowed) + ", got '" + value + "'");
            return fallback;
        }
        return value.strip();
    }

    String string(String name, String fallback) {
        known.put(name, fallback.isEmpty() ? "text, no default" : "text, default " + fallback);
        String value = given.remove(name);
        return value == null ? fallback : value;
    }

    /** Records an error found while reading an option's value (e.g. a list with a bad entry). */
    void error(String message) {
        errors.add(message);
    }

    /**
     * The options read, or {@link HelpRequested} / {@link Invalid} when help was asked for, a value was wrong or an
     * option was not read by anyone (a typo must not silently run the defaults).
     */
    <T> T done(T options) {
        given.keySet().forEach(name -> errors.add("unknown option --" + name));
        if (help) {
            throw new HelpRequested(usage());
        }
        if (!errors.isEmpty()) {
            throw new Invalid(String.join("; ", errors) + System.lineSeparator() + usage());
        }
        return options;
    }

    private String usage() {
        StringBuilder usage = new StringBuilder("options:");
        known.forEach((name, description) -> usage.append(System.lineSeparator()).append("  --").append(name)
                .append("=...  ").append(description));
        return usage.toString();
    }

    /**
     * Parses a benchmark's command line as its {@code main} does: {@code --help} prints the options and exits 0, a
     * command line it cannot run prints why and exits 2, without a stack trace.
     */
    static <T> T orExit(String command, Supplier<T> parse) {
        try {
            return parse.get();
        } catch (HelpRequested help) {
            System.out.println(command + " " + help.getMessage());
            System.exit(0);
        } catch (Invalid invalid) {
            System.err.println(command + ": " + invalid.getMessage());
            System.exit(2);
        }
        throw new AssertionError("unreachable");
    }
}
