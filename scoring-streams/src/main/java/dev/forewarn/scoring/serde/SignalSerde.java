package dev.forewarn.scoring.serde;

import static dev.forewarn.scoring.serde.Binary.readEnum;
import static dev.forewarn.scoring.serde.Binary.readNullable;
import static dev.forewarn.scoring.serde.Binary.writeEnum;
import static dev.forewarn.scoring.serde.Binary.writeNullable;

import dev.forewarn.events.ComplaintStatus;
import dev.forewarn.events.FeedbackType;
import dev.forewarn.events.KanoCategory;
import dev.forewarn.events.ReturnReason;
import dev.forewarn.events.SignalKind;
import dev.forewarn.scoring.model.Signal;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** {@link Signal}s on the product repartition topic. Enum ordinals are stable: Avro enums only grow at the end. */
public final class SignalSerde implements Serde<Signal>, Serializer<Signal>, Deserializer<Signal> {

    private static final int VERSION = 1;

    @Override
    public byte[] serialize(String topic, Signal s) {
        return s == null ? null : Binary.write(VERSION, 96, out -> {
            out.writeUTF(s.eventId());
            out.writeUTF(s.customerId());
            writeNullable(out, s.productId());
            writeEnum(out, s.kind());
            out.writeLong(s.occurredAt());
            writeEnum(out, s.kano());
            writeEnum(out, s.feedbackType());
            out.writeByte(s.severity());
            writeEnum(out, s.returnReason());
            writeNullable(out, s.complaintId());
            writeEnum(out, s.complaintStatus());
            out.writeBoolean(s.slaDueAt() != null);
            if (s.slaDueAt() != null) {
                out.writeLong(s.slaDueAt());
            }
        });
    }

    @Override
    public Signal deserialize(String topic, byte[] data) {
        return data == null ? null : Binary.read(data, VERSION, "signal", in -> new Signal(in.readUTF(), in.readUTF(),
                readNullable(in), readEnum(in, SignalKind.values()), in.readLong(), readEnum(in, KanoCategory.values()),
                readEnum(in, FeedbackType.values()), in.readByte(), readEnum(in, ReturnReason.values()), readNullable(in),
                readEnum(in, ComplaintStatus.values()), in.readBoolean() ? in.readLong() : null));
    }

    @Override
    public Serializer<Signal> serializer() {
        return this;
    }

    @Override
    public Deserializer<Signal> deserializer() {
        return this;
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
        // nothing to configure
    }

    @Override
    public void close() {
        // nothing to close
    }
}
