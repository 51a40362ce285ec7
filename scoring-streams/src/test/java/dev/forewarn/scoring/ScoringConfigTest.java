package dev.forewarn.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forewarn.events.KanoCategory;
import dev.forewarn.events.ReturnReason;
import dev.forewarn.scoring.model.RiskModel;
import dev.forewarn.service.Env;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScoringConfigTest {

    @Test
    void shouldTakeTheModelFromTheEnvironmentOverTheDefaults() {
        ScoringConfig config = ScoringConfig.fromEnv(new Env(Map.of(
                "SCORING_AUTH_DISABLED", "true",
                "SCORING_HALF_LIFE", "7d",
                "SCORING_WEIGHT_SLA_BREACH", "12.5",
                "SCORING_WEIGHT_CONFIRMATION", "-1",
                "SCORING_WEIGHT_RETURN_REASONS", "defective:3, OTHER:0",
                "SCORING_WEIGHT_KANO", "MUST_BE:4")));

        RiskModel.Weights weights = config.model().weights();
        assertThat(config.model().halfLife()).isEqualTo(Duration.ofDays(7));
        assertThat(weights.slaBreach()).isEqualTo(12.5);
        assertThat(weights.confirmation()).isEqualTo(-1.0);
        assertThat(weights.returnFactor()).containsEntry(ReturnReason.DEFECTIVE, 3.0).containsEntry(ReturnReason.OTHER, 0.0)
                .containsEntry(ReturnReason.DAMAGED, 1.2);
        assertThat(weights.kanoFactor()).containsEntry(KanoCategory.MUST_BE, 4.0).containsEntry(KanoCategory.ATTRACTIVE, 0.5);
        assertThat(weights.complaintReopened()).isEqualTo(RiskModel.Weights.defaults().complaintReopened());
    }

    @Test
    void shouldNameTheVariableOfABadWeight() {
        assertThatThrownBy(() -> ScoringConfig.fromEnv(new Env(Map.of("SCORING_WEIGHT_KANO", "VERY_IMPORTANT:3"))))
                .hasMessageContaining("SCORING_WEIGHT_KANO").hasMessageContaining("MUST_BE");
        assertThatThrownBy(() -> ScoringConfig.fromEnv(new Env(Map.of("SCORING_WEIGHT_RETURN", "six"))))
                .hasMessageContaining("SCORING_WEIGHT_RETURN=six");
    }
}
