package dev.forewarn.scoring.serde;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The topology's internal binary formats (state stores, the repartition topic): a leading format
 * version byte, then fields in a fixed order, big-endian, strings as in {@link java.io.DataOutput#writeUTF}.
 * Internal data never leaves the application, so it needs no registry; the version byte lets a
 * later release read old state. Written and read on plain arrays: these run several times per
 * signal, and {@code DataOutputStream} over {@code ByteArrayOutputStream} (a synchronized call per
 * byte) was an eighth of the stream thread's time.
 */
final class Binary {

    private Binary() {
    }

    interface Writer {
        void write(Out out);
    }

    interface Reader<T> {
        T read(In in, int version);
    }

    static byte[] write(int version, int sizeHint, Writer writer) {
        Out out = new Out(sizeHint);
        out.writeByte(version);
        writer.write(out);
        return out.toByteArray();
    }

    /** Reads data written in any format version from {@code oldest} to {@code version}. */
    static <T> T read(byte[] data, int oldest, int version, String what, Reader<T> reader) {
        In in = new In(data);
        try {
            int found = in.readUnsignedByte();
            if (found < oldest || found > version) {
                throw new SerializationException(what + " format version " + found + " is not one of " + oldest + ".." + version);
            }
            return reader.read(in, found);
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new SerializationException("cannot read " + what, e);
        }
    }

    static void writeNullable(Out out, String value) {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeUTF(value);
        }
    }

    static String readNullable(In in) {
        return in.readBoolean() ? in.readUTF() : null;
    }

    static <E extends Enum<E>> void writeEnum(Out out, E value) {
        out.writeByte(value == null ? -1 : value.ordinal());
    }

    static <E extends Enum<E>> E readEnum(In in, E[] values) {
        int ordinal = in.readByte();
        return ordinal < 0 ? null : values[ordinal];
    }

    /** A growable big-endian byte writer with {@code DataOutput}'s encodings. */
    static final class Out {
        private byte[] bytes;
        private int size;

        Out(int sizeHint) {
            bytes = new byte[Math.max(16, sizeHint)];
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }

        void writeByte(int value) {
            ensure(1);
            bytes[size++] = (byte) value;
        }

        void writeBytes(byte[] value) {
            ensure(value.length);
            System.arraycopy(value, 0, bytes, size, value.length);
            size += value.length;
        }

        void writeBoolean(boolean value) {
            writeByte(value ? 1 : 0);
        }

        void writeInt(int value) {
            ensure(4);
            for (int shift = 24; shift >= 0; shift -= 8) {
                bytes[size++] = (byte) (value >>> shift);
            }
        }

        void writeLong(long value) {
            ensure(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                bytes[size++] = (byte) (value >>> shift);
            }
        }

        void writeDouble(double value) {
            writeLong(Double.doubleToLongBits(value));
        }

        /** Modified UTF-8 with an unsigned 16-bit length, exactly as {@link java.io.DataOutputStream#writeUTF}. */
        void writeUTF(String value) {
            int length = value.length();
            if (length <= 0xFFFF) {
                // Ids are ASCII: one pass that copies while it checks, its encoding the same as below's.
                ensure(2 + length);
                int start = size + 2;
                int i = 0;
                for (char c; i < length && (c = value.charAt(i)) >= 0x0001 && c <= 0x007F; i++) {
                    bytes[start + i] = (byte) c;
                }
                if (i == length) {
                    bytes[size++] = (byte) (length >>> 8);
                    bytes[size++] = (byte) length;
                    size += length;
                    return;
                }
            }
            int encoded = 0;
            for (int i = 0; i < length; i++) {
                char c = value.charAt(i);
                encoded += c >= 0x0001 && c <= 0x007F ? 1 : c > 0x07FF ? 3 : 2;
            }
            if (encoded > 0xFFFF) {
                throw new SerializationException("string of " + encoded + " encoded bytes is too long");
            }
            ensure(2 + encoded);
            bytes[size++] = (byte) (encoded >>> 8);
            bytes[size++] = (byte) encoded;
            for (int i = 0; i < length; i++) {
                char c = value.charAt(i);
                if (c >= 0x0001 && c <= 0x007F) {
                    bytes[size++] = (byte) c;
                } else if (c > 0x07FF) {
                    bytes[size++] = (byte) (0xE0 | ((c >> 12) & 0x0F));
                    bytes[size++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                    bytes[size++] = (byte) (0x80 | (c & 0x3F));
                } else {
                    bytes[size++] = (byte) (0xC0 | ((c >> 6) & 0x1F));
                    bytes[size++] = (byte) (0x80 | (c & 0x3F));
                }
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(bytes, size);
        }
    }

    /** Reads what {@link Out} wrote; past the end it throws {@link IndexOutOfBoundsException}. */
    static final class In {
        private final byte[] bytes;
        private int position;

        In(byte[] bytes) {
            this.bytes = bytes;
        }

        int available() {
            return bytes.length - position;
        }

        int position() {
            return position;
        }

        /** A copy of the bytes read since {@code from}, a {@link #position()} of before. */
        byte[] readSince(int from) {
            return Arrays.copyOfRange(bytes, from, position);
        }

        private byte next() {
            if (position >= bytes.length) {
                throw new IndexOutOfBoundsException("read past the end (" + bytes.length + " bytes)");
            }
            return bytes[position++];
        }

        int readByte() {
            return next();
        }

        int readUnsignedByte() {
            return next() & 0xFF;
        }

        boolean readBoolean() {
            return next() != 0;
        }

        int readInt() {
            int value = 0;
            for (int i = 0; i < 4; i++) {
                value = (value << 8) | (next() & 0xFF);
            }
            return value;
        }

        long readLong() {
            long value = 0;
            for (int i = 0; i < 8; i++) {
                value = (value << 8) | (next() & 0xFF);
            }
            return value;
        }

        double readDouble() {
            return Double.longBitsToDouble(readLong());
        }

        String readUTF() {
            int length = (readUnsignedByte() << 8) | readUnsignedByte();
            int end = position + length;
            if (end > bytes.length) {
                throw new IndexOutOfBoundsException("string of " + length + " bytes runs past the end");
            }
            boolean ascii = true;
            for (int i = position; i < end && ascii; i++) {
                ascii = bytes[i] > 0;
            }
            if (ascii) {
                String value = new String(bytes, position, length, StandardCharsets.ISO_8859_1);
                position = end;
                return value;
            }
            StringBuilder value = new StringBuilder(length);
            while (position < end) {
                int a = next() & 0xFF;
                if (a < 0x80) {
                    value.append((char) a);
                } else if ((a & 0xE0) == 0xC0) {
                    value.append((char) (((a & 0x1F) << 6) | (next() & 0x3F)));
                } else if ((a & 0xF0) == 0xE0) {
                    value.append((char) (((a & 0x0F) << 12) | ((next() & 0x3F) << 6) | (next() & 0x3F)));
                } else {
                    throw new IllegalArgumentException("malformed modified UTF-8 at byte " + (position - 1));
                }
            }
            if (position != end) {
                throw new IllegalArgumentException("malformed modified UTF-8: a character runs past the string");
            }
            return value.toString();
        }
    }
}
