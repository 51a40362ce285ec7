package dev.forewarn.scoring.serde;

import static dev.forewarn.scoring.serde.Binary.readEnum;
import static dev.forewarn.scoring.serde.Binary.readNullable;
import static dev.forewarn.scoring.serde.Binary.writeEnum;
import static dev.forewarn.scoring.serde.Binary.writeNullable;

import dev.forewarn.events.ComplaintStatus;
import dev.forewarn.events.RiskLevel;
import dev.forewarn.events.SignalKind;
import dev.forewarn.scoring.model.EntityState;

/**
 * {@link EntityState} in the state stores and their changelogs: ~100 bytes plus complaints, the
 * explanation and a customer's recent events (16 bytes each). Format 2 keeps each complaint's status changes (format 1 kept open complaints only,
 * with their due time and a breached flag); format 1 still reads, as complaints opened before time began.
 */
public final class EntityStateSerde extends BinarySerde<EntityState> {

    public EntityStateSerde() {
        super(1, 2, 256, "entity state");
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
        out.writeByte(s.complaintLog.size());
        for (EntityState.Complaint c : s.complaintLog) {
            byte[] encoded = c.encoded();
            if (encoded == null) {
                Binary.Out one = new Binary.Out(64);
                writeComplaint(one, c);
                encoded = one.toByteArray();
                c.encoded(encoded);
            }
            out.writeBytes(encoded);
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
        out.writeInt(s.recentEvents.size());
        for (int i = 0; i < s.recentEvents.size(); i++) {
            out.writeLong(s.recentEvents.hash(i));
            out.writeLong(s.recentEvents.time(i));
        }
    }

    private static void writeComplaint(Binary.Out out, EntityState.Complaint c) {
        out.writeUTF(c.complaintId);
        writeNullable(out, c.productId);
        out.writeDouble(c.kanoFactor);
        out.writeLong(c.firstAt);
        out.writeByte(c.changes.size());
        for (EntityState.StatusChange change : c.changes) {
            out.writeLong(change.at());
            writeEnum(out, change.status());
            out.writeLong(change.slaDueAt());
        }
    }

    @Override
    EntityState read(Binary.In in, int version) {
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
        int complaints = in.readUnsignedByte();
        for (int i = 0; i < complaints; i++) {
            s.complaintLog.add(version == 1 ? readFormat1Complaint(in) : readComplaint(in));
        }
        int top = in.readUnsignedByte();
        for (int i = 0; i < top; i++) {
            s.top.add(new EntityState.Contributor(in.readUTF(), readEnum(in, SignalKind.values()), readNullable(in),
                    in.readLong(), in.readDouble()));
        }
        s.changeSeq = in.available() >= 8 ? in.readLong() : 0;
        int recent = in.available() >= 4 ? in.readInt() : 0;
        for (int i = 0; i < recent; i++) {
            s.recentEvents.remember(in.readLong(), in.readLong(), Integer.MAX_VALUE);
        }
        return s;
    }

    private static EntityState.Complaint readComplaint(Binary.In in) {
        int start = in.position();
        EntityState.Complaint c = new EntityState.Complaint(in.readUTF());
        c.productId = readNullable(in);
        c.kanoFactor = in.readDouble();
        c.firstAt = in.readLong();
        int changes = in.readUnsignedByte();
        for (int i = 0; i < changes; i++) {
            c.changes.add(new EntityState.StatusChange(in.readLong(), readEnum(in, ComplaintStatus.values()), in.readLong()));
        }
        c.encoded(in.readSince(start)); // what writing it again would write
        return c;
    }

    /**
     * An open complaint of format 1 (id, due time, Kano factor, breached, product) as one opening at
     * the beginning of time with that due time: its lifecycle then reads as it did (breached when its
     * due time has passed, which is when format 1 said so), and any later status change comes after it.
     */
    private static EntityState.Complaint readFormat1Complaint(Binary.In in) {
        EntityState.Complaint c = new EntityState.Complaint(in.readUTF());
        long due = in.readLong();
        c.kanoFactor = in.readDouble();
        in.readBoolean();
        c.productId = readNullable(in);
        c.firstAt = EntityState.NONE;
        c.changes.add(new EntityState.StatusChange(EntityState.NONE, ComplaintStatus.OPENED, due));
        return c;
    }
}
