package dev.forewarn.registry;

import dev.forewarn.schemas.CompatibilityGuard;
import dev.forewarn.serde.registry.CompatibilityLevel;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/** Confluent's compatibility rules on Avro's reader/writer resolution. */
final class Compatibility {

    private Compatibility() {
    }

    /**
     * Why {@code candidate} may not follow {@code existing} (oldest first) under {@code level};
     * empty when it may. Non-transitive levels look at the latest version only.
     */
    static List<String> problems(CompatibilityLevel level, Schema candidate, List<Schema> existing) {
        List<String> problems = new ArrayList<>();
        if (level == CompatibilityLevel.NONE || existing.isEmpty()) {
            return problems;
        }
        List<Schema> against = level.isTransitive() ? existing : List.of(existing.get(existing.size() - 1));
        for (Schema old : against) {
            if (level.checksBackward()) {
                CompatibilityGuard.incompatibilities(candidate, old)
                        .forEach(p -> problems.add("new schema cannot read data written with an earlier one: " + p));
            }
            if (level.checksForward()) {
                CompatibilityGuard.incompatibilities(old, candidate)
                        .forEach(p -> problems.add("an earlier schema cannot read data written with the new one: " + p));
            }
        }
        return problems;
    }
}
