package dev.forewarn.scoring.serde;

import static dev.forewarn.scoring.serde.Binary.readEnum;
import static dev.forewarn.scoring.serde.Binary.readNullable;
import static dev.forewarn.scoring.serde.Binary.writeEnum;
import static dev.forewarn.scoring.serde.Binary.writeNullable;

import dev.forewarn.events.RiskLevel;
import dev.forewarn.events.SignalKind;
import dev.forewarn.scoring.model.EntityState;

/** {@link EntityState} in the state stores and their changelogs: ~100 bytes plus the explanation. */
public final class EntityStateSerde extends BinarySerde<EntityState> {

    public EntityStateSerde() {
        super(1, 256, "entity state");
    }

    @Override
    void write(Binary.Out out, EntityState s) {
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
        // Fields added later go last: state written before them still reads (as their defaults).
        out.writeLong(s.changeSeq);
    }

    @Override
    EntityState read(Binary.In in) {
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
        s.changeSeq = in.available() >= 8 ? in.readLong() : 0;
        return s;
    }
}
