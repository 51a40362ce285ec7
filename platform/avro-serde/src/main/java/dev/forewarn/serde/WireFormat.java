package dev.forewarn.serde;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The Confluent wire format: magic byte {@code 0}, the schema id as a 4-byte big-endian int,
 * then the Avro binary encoding of the value.
 */
public final class WireFormat {

    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    /** The 5-byte header for {@code schemaId}. */
    public static byte[] header(int schemaId) {
        return ByteBuffer.allocate(HEADER_SIZE).put(MAGIC_BYTE).putInt(schemaId).array();
    }

    /**
     * The schema id of a framed payload; a {@link SerializationException} naming the topic if the
     * payload is too short or does not start with the magic byte.
     */
    public static int schemaId(String topic, byte[] payload) {
        if (payload.length < HEADER_SIZE) {
            throw new SerializationException("topic " + topic + ": payload of " + payload.length
                    + " bytes is shorter than the 5-byte Confluent wire-format header");
        }
        if (payload[0] != MAGIC_BYTE) {
            throw new SerializationException("topic " + topic + ": unknown magic byte 0x"
                    + String.format("%02x", payload[0] & 0xff) + " (expected 0x00, Confluent wire format)");
        }
        return ByteBuffer.wrap(payload, 1, 4).getInt();
    }
}
