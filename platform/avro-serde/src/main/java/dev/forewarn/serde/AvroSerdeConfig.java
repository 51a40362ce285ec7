package dev.forewarn.serde;

import dev.forewarn.serde.registry.RegistryClientConfig;
import java.util.Map;

/**
 * Serde settings, named as Confluent names them so client configurations carry over.
 *
 * @param registry              how to reach the registry
 * @param autoRegisterSchemas   {@code auto.register.schemas}, default true: register the writer's schema
 * @param useLatestVersion      {@code use.latest.version}, default false: write with the subject's latest schema
 * @param specificAvroReader    {@code specific.avro.reader}, default false: read into generated classes
 * @param removeJavaProperties  {@code avro.remove.java.properties}, default <b>true</b> here (false in
 *                              Confluent's client): strip {@code avro.java.string} before registering, so a
 *                              generated class and its plain {@code .avsc} share one id
 */
public record AvroSerdeConfig(RegistryClientConfig registry, boolean autoRegisterSchemas, boolean useLatestVersion,
                              boolean specificAvroReader, boolean removeJavaProperties) {

    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    public static final String USE_LATEST_VERSION = "use.latest.version";
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";
    public static final String REMOVE_JAVA_PROPERTIES = "avro.remove.java.properties";

    /** Defaults for a registry at {@code url}. */
    public static AvroSerdeConfig of(String url) {
        return fromMap(Map.of(RegistryClientConfig.URL, url));
    }

    /**
     * A registry at {@code url} with the registry's credentials and serde settings taken from a service's Kafka client
     * properties ({@code KAFKA_BEARER_AUTH_CREDENTIALS_SOURCE=STATIC_TOKEN} and {@code KAFKA_BEARER_AUTH_TOKEN}, or
     * {@code KAFKA_BASIC_AUTH_*}, as Confluent's serdes read them).
     */
    public static AvroSerdeConfig of(String url, Map<String, ?> clientProperties) {
        Map<String, Object> configs = new java.util.HashMap<>(clientProperties);
        configs.put(RegistryClientConfig.URL, url);
        return fromMap(configs);
    }

    /** Reads the serde keys and the registry keys from Kafka client configs. */
    public static AvroSerdeConfig fromMap(Map<String, ?> configs) {
        return new AvroSerdeConfig(RegistryClientConfig.fromMap(configs),
                flag(configs, AUTO_REGISTER_SCHEMAS, true),
                flag(configs, USE_LATEST_VERSION, false),
                flag(configs, SPECIFIC_AVRO_READER, false),
                flag(configs, REMOVE_JAVA_PROPERTIES, true));
    }

    private static boolean flag(Map<String, ?> configs, String key, boolean fallback) {
        Object value = configs.get(key);
        return value == null ? fallback : Boolean.parseBoolean(value.toString().trim());
    }
}
