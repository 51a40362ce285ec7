package dev.forewarn.scoring.serde;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Helpers for the topology's internal binary formats (state stores, the repartition topic):
 * a leading format version byte, then fields in a fixed order. Internal data never leaves the
 * application, so it needs no registry; the version byte lets a later release read old state.
 */
final class Binary {

    private Binary() {
    }

    interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    static byte[] write(int version, int sizeHint, Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(sizeHint);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(version);
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static <T> T read(byte[] data, int version, String what, Reader<T> reader) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int found = in.readUnsignedByte();
            if (found != version) {
                throw new SerializationException(what + " format version " + found + " is not " + version);
            }
            return reader.read(in);
        } catch (IOException e) {
            throw new SerializationException("cannot read " + what, e);
        }
    }

    static void writeNullable(DataOutputStream out, String value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeUTF(value);
        }
    }

    static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    static <E extends Enum<E>> void writeEnum(DataOutputStream out, E value) throws IOException {
        out.writeByte(value == null ? -1 : value.ordinal());
    }

    static <E extends Enum<E>> E readEnum(DataInputStream in, E[] values) throws IOException {
        int ordinal = in.readByte();
        return ordinal < 0 ? null : values[ordinal];
    }
}
