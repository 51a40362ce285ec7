package dev.forewarn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BenchArgsTest {

    @Test
    void readsGivenValuesAndKeepsTheDefaultsOfTheOthers() {
        ScoringBenchmark.Options options = ScoringBenchmark.Options.parse(new String[]{
                "--signals=5000", "--guarantee=at_least_once", "--streams=num.stream.threads=2"});

        assertThat(options.signals()).isEqualTo(5_000);
        assertThat(options.customers()).isEqualTo(100_000);
        assertThat(options.guarantee()).isEqualTo("at_least_once");
        assertThat(options.dir()).isEqualTo(Path.of("target/bench-scoring"));
        assertThat(options.streams()).containsEntry("num.stream.threads", "2");
    }

    @Test
    void aBadCommandLineNamesEveryWrongOptionAndListsTheOptions() {
        assertThatThrownBy(() -> E2eBenchmark.Options.parse(new String[]{
                "--rate=fast", "--seconds=0", "--production-defaults=yes", "--sceonds=30", "warmup"}))
                .isInstanceOf(BenchArgs.Invalid.class)
                .hasMessageContaining("--rate must be an integer, got 'fast'")
                .hasMessageContaining("--seconds must be at least 1, got 0")
                .hasMessageContaining("--production-defaults must be true or false, got 'yes'")
                .hasMessageContaining("unknown option --sceonds")
                .hasMessageContaining("options are --name=value, got 'warmup'")
                .hasMessageContaining("--warmup-max=...  an integer >= 1, default 120");
    }

    @Test
    void listValuesAndChoicesAreChecked() {
        assertThatThrownBy(() -> ScoringBenchmark.Options.parse(new String[]{"--guarantee=exactly_once", "--streams=a=1,b"}))
                .isInstanceOf(BenchArgs.Invalid.class)
                .hasMessageContaining("--guarantee must be exactly_once_v2 or at_least_once, got 'exactly_once'")
                .hasMessageContaining("--streams takes key=value,key=value; got 'b'");
    }

    @Test
    void anOptionGivenTwiceIsAnError() {
        assertThatThrownBy(() -> DeskBenchmark.Options.parse(new String[]{"--runs=3", "--runs=5"}))
                .isInstanceOf(BenchArgs.Invalid.class)
                .hasMessageContaining("--runs is given twice");
    }

    @Test
    void helpListsEveryOptionWithItsDefault() {
        assertThatThrownBy(() -> IngestBenchmark.Options.parse(new String[]{"--help"}))
                .isInstanceOf(BenchArgs.HelpRequested.class)
                .hasMessageContaining("--batch-events=...  an integer >= 1, default 1000000")
                .hasMessageContaining("--warmup-events=...  an integer >= 0, default 20000")
                .hasMessageContaining("--dir=...  text, default target/bench-broker");
    }
}
