package dev.forewarn.serde.registry;

import java.net.URI;

/**
 * A schema registry request that failed: carries the HTTP status (0 when the registry could not
 * be reached), Confluent's {@code error_code} (0 when the body had none) and the URL asked.
 */
public final class SchemaRegistryException extends RuntimeException {

    /** Subject not found. */
    public static final int SUBJECT_NOT_FOUND = 40401;
    /** Version not found. */
    public static final int VERSION_NOT_FOUND = 40402;
    /** Schema not found. */
    public static final int SCHEMA_NOT_FOUND = 40403;
    /** Incompatible schema (Confluent answers HTTP 409 with error_code 409). */
    public static final int INCOMPATIBLE_SCHEMA = 409;
    /** Invalid schema. */
    public static final int INVALID_SCHEMA = 42201;
    /** Invalid compatibility level. */
    public static final int INVALID_COMPATIBILITY_LEVEL = 42203;

    private final int status;
    private final int errorCode;
    private final URI url;

    public SchemaRegistryException(int status, int errorCode, URI url, String message, Throwable cause) {
        super("schema registry " + (status == 0 ? "unreachable" : "answered HTTP " + status)
                + (errorCode == 0 ? "" : " error_code " + errorCode) + " for " + url + ": " + message, cause);
        this.status = status;
        this.errorCode = errorCode;
        this.url = url;
    }

    public int status() {
        return status;
    }

    public int errorCode() {
        return errorCode;
    }

    public URI url() {
        return url;
    }
}
