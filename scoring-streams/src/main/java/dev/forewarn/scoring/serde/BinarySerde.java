package dev.forewarn.scoring.serde;

import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A serde for one of the topology's internal binary formats ({@link Binary}): a format version byte,
 * then the fields a subclass writes and reads in a fixed order. Null stays null (tombstones).
 */
abstract class BinarySerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {

    private final int oldest;
    private final int version;
    private final int sizeHint;
    private final String what;

    /** Writes format {@code version}; reads it and every older one down to {@code oldest}. */
    BinarySerde(int oldest, int version, int sizeHint, String what) {
        this.oldest = oldest;
        this.version = version;
        this.sizeHint = sizeHint;
        this.what = what;
    }

    abstract void write(Binary.Out out, T value);

    /** Reads the fields of format {@code version}. */
    abstract T read(Binary.In in, int version);

    /** The size written last: the next buffer starts that large (a racy hint, shared by the threads that serialize). */
    private int lastSize;

    @Override
    public final byte[] serialize(String topic, T value) {
        if (value == null) {
            return null;
        }
        byte[] bytes = Binary.write(version, Math.max(sizeHint, lastSize), out -> write(out, value));
        lastSize = bytes.length;
        return bytes;
    }

    @Override
    public final T deserialize(String topic, byte[] data) {
        return data == null ? null : Binary.read(data, oldest, version, what, this::read);
    }

    @Override
    public final Serializer<T> serializer() {
        return this;
    }

    @Override
    public final Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public final void configure(Map<String, ?> configs, boolean isKey) {
        // nothing to configure
    }

    @Override
    public final void close() {
        // nothing to close
    }
}
