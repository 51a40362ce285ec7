package dev.forewarn.scoring.serde;

import static dev.forewarn.scoring.serde.Binary.readEnum;
import static dev.forewarn.scoring.serde.Binary.readNullable;
import static dev.forewarn.scoring.serde.Binary.writeEnum;
import static dev.forewarn.scoring.serde.Binary.writeNullable;

import dev.forewarn.events.RiskLevel;
import dev.forewarn.events.SignalKind;
import dev.forewarn.scoring.model.EntityState;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** {@link EntityState} in the state stores and their changelogs: ~100 bytes plus the explanation. */
public final class EntityStateSerde implements Serde<EntityState>, Serializer<EntityState>, Deserializer<EntityState> {

    private static final int VERSION = 1;

    @Override
    public byte[] serialize(String topic, EntityState s) {
        return s == null ? null : Binary.write(VERSION, 256, out -> {
            out.writeDouble(s.pressure);
            out.writeLong(s.pressureAt);
            out.writeDouble(s.inflow);
            out.writeLong(s.inflowAt);
            writeEnum(out, s.level);
            out.writeBoolean(s.predicted);
            out.writeDouble(s.lastScore);
            out.writeLong(s.negativeReports);
            out.writeLong(s.improvementReports);
            out.writeLong(s.confirmationReports);
            out.writeLong(s.complaints);
            out.writeLong(s.returns);
            out.writeInt(s.breachedSlas);
            out.writeLong(s.lastSignalAt);
            out.writeLong(s.evaluatedAt);
            out.writeLong(s.scheduledAt);
            out.writeByte(s.openComplaints.size());
            for (EntityState.OpenComplaint c : s.openComplaints) {
                out.writeUTF(c.complaintId);
                out.writeLong(c.slaDueAt);
                out.writeDouble(c.kanoFactor);
                out.writeBoolean(c.breached);
                writeNullable(out, c.productId);
            }
            out.writeByte(s.top.size());
            for (EntityState.Contributor c : s.top) {
                out.writeUTF(c.eventId());
                writeEnum(out, c.kind());
                writeNullable(out, c.productId());
                out.writeLong(c.occurredAt());
                out.writeDouble(c.weight());
            }
        });
    }

    @Override
    public EntityState deserialize(String topic, byte[] data) {
        return data == null ? null : Binary.read(data, VERSION, "entity state", in -> {
            EntityState s = new EntityState();
            s.pressure = in.readDouble();
            s.pressureAt = in.readLong();
            s.inflow = in.readDouble();
            s.inflowAt = in.readLong();
            s.level = readEnum(in, RiskLevel.values());
            s.predicted = in.readBoolean();
            s.lastScore = in.readDouble();
            s.negativeReports = in.readLong();
            s.improvementReports = in.readLong();
            s.confirmationReports = in.readLong();
            s.complaints = in.readLong();
            s.returns = in.readLong();
            s.breachedSlas = in.readInt();
            s.lastSignalAt = in.readLong();
            s.evaluatedAt = in.readLong();
            s.scheduledAt = in.readLong();
            int open = in.readUnsignedByte();
            for (int i = 0; i < open; i++) {
                s.openComplaints.add(new EntityState.OpenComplaint(in.readUTF(), in.readLong(), in.readDouble(),
                        in.readBoolean(), readNullable(in)));
            }
            int top = in.readUnsignedByte();
            for (int i = 0; i < top; i++) {
                s.top.add(new EntityState.Contributor(in.readUTF(), readEnum(in, SignalKind.values()), readNullable(in),
                        in.readLong(), in.readDouble()));
            }
            return s;
        });
    }

    @Override
    public Serializer<EntityState> serializer() {
        return this;
    }

    @Override
    public Deserializer<EntityState> deserializer() {
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
