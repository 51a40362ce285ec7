package dev.forewarn.serde;

import dev.forewarn.serde.registry.SchemaRegistryException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A record could not be (de)serialized because the schema registry could not be asked, not because
 * the record is bad: the registry is unreachable or answered 408, 429, a 5xx or a 5xxxx error code.
 * Such a record must be retried when the registry is back, never dead-lettered or skipped.
 * Everything else a serde raises ({@link SerializationException}: bad magic byte, unknown schema id,
 * corrupt payload) is a fault of the record.
 */
public final class RegistryUnavailableException extends SerializationException {

    public RegistryUnavailableException(String message, SchemaRegistryException cause) {
        super(message, cause);
    }

    /** Whether {@code error} or any of its causes is a {@link RegistryUnavailableException} (or a transient registry failure). */
    public static boolean isCauseOf(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RegistryUnavailableException
                    || t instanceof SchemaRegistryException registry && registry.isTransient()) {
                return true;
            }
        }
        return false;
    }
}
