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

/** {@link Signal}s on the product repartition topic. Enum ordinals are stable: Avro enums only grow at the end. */
public final class SignalSerde extends BinarySerde<Signal> {

    public SignalSerde() {
        super(1, 1, 96, "signal");
    }

    @Override
    void write(Binary.Out out, Signal s) {
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
    }

    @Override
    Signal read(Binary.In in, int version) {
        return new Signal(in.readUTF(), in.readUTF(), readNullable(in), readEnum(in, SignalKind.values()), in.readLong(),
                readEnum(in, KanoCategory.values()), readEnum(in, FeedbackType.values()), in.readByte(),
                readEnum(in, ReturnReason.values()), readNullable(in), readEnum(in, ComplaintStatus.values()),
                in.readBoolean() ? in.readLong() : null, null); // the source is only needed before the repartition (dedup)
    }
}
