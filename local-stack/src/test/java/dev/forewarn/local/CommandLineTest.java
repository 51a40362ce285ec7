package dev.forewarn.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** The local stack's and the simulator's command lines: a run that cannot work is refused before anything starts. */
class CommandLineTest {

    @TempDir
    Path home;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--days=5           | the span must be at least 16 days",
            "--days=500         | the span must be at most 400 days",
            "--customers=10     | at least 50 customers",
            "--partitions=0     | --partitions must be at least 1, got 0",
            "--duration=0s      | --duration must be positive",
            "--duration=soon    | must be a duration such as 30s",
            "--settle=-5s       | --settle must not be negative",
            "--rate=0           | --rate must be at least 1 signal per second",
            "--bogus=1          | Unknown option: '--bogus=1'"})
    void localStackRefusesABadCommandLineBeforeStarting(String option, String reason) {
        StringWriter err = new StringWriter();
        int status = new CommandLine(new LocalMain()).setErr(new PrintWriter(err))
                .execute("--home=" + home, option);

        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).contains(reason).contains("Usage: forewarn-local");
        assertThat(home).isEmptyDirectory();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--days=5       | the span must be at least 16 days",
            "--rate=-1      | --rate must be at least 1 signal per second"})
    void simulatorRefusesABadCommandLineBeforeSending(String option, String reason) {
        StringWriter err = new StringWriter();
        int status = new CommandLine(new SimulatorMain()).setErr(new PrintWriter(err))
                .execute("--ingest-url=http://127.0.0.1:9", option);

        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).contains(reason).contains("Usage: forewarn-simulator");
    }
}
