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

    /**
     * A fault of the registry or the way to it, not of the request: unreachable, 408, 429, a 5xx,
     * or a Confluent 5xxxx error code (50001 store error, 50002 timeout, 50003 forwarding error).
     * Worth waiting for; 4xx answers such as 40403 (unknown schema id) are not.
     */
    public boolean isTransient() {
        return status == 0 || status == 408 || status == 429 || status >= 500 || errorCode >= 50000;
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
