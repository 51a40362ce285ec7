package dev.forewarn.scoring.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forewarn.events.EntityType;
import dev.forewarn.scoring.model.EntityState;
import dev.forewarn.scoring.model.RiskModel;
import java.time.Instant;

/** The queries' JSON for one entity: its explanation and its counts. */
final class RiskJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RiskJson() {
    }

    static ObjectNode entity(EntityType type, String id, EntityState s, RiskModel.Explanation e) {
        ObjectNode view = JSON.createObjectNode()
                .put("entityType", type.name()).put("entityId", id)
                .put("score", e.score()).put("level", e.level().name())
                .put("pressure", e.pressure()).put("inflowPerDay", e.inflowPerDay())
                .put("at", Instant.ofEpochMilli(e.at()).toString());
        view.put("projectedCriticalAt", instant(e.projectedCriticalAt()));
        ObjectNode counts = view.putObject("counts");
        counts.put("negativeReports", s.negativeReports).put("improvementReports", s.improvementReports)
                .put("confirmationReports", s.confirmationReports).put("complaints", s.complaints).put("returns", s.returns);
        view.put("openComplaints", s.openComplaints()).put("breachedSlas", s.breachedSlas)
                .put("lastSignalAt", instant(s.lastSignalAt));
        ArrayNode top = view.putArray("topContributors");
        for (RiskModel.Reason r : e.reasons()) {
            top.addObject().put("eventId", r.eventId()).put("kind", r.kind().name()).put("productId", r.productId())
                    .put("occurredAt", Instant.ofEpochMilli(r.occurredAt()).toString()).put("weight", r.weight())
                    .put("weightNow", r.weightNow());
        }
        return view;
    }

    private static String instant(long millis) {
        return millis == EntityState.NONE ? null : Instant.ofEpochMilli(millis).toString();
    }
}
