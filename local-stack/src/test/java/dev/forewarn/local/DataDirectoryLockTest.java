package dev.forewarn.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryLockTest {

    @TempDir
    Path home;

    @Test
    void shouldRefuseASecondStackOnALiveDataDirectoryAndAllowOneAfterTheFirstStops() throws Exception {
        AutoCloseable first = LocalStack.lock(home);

        assertThatThrownBy(() -> LocalStack.lock(home))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("another local stack is running on " + home.toAbsolutePath())
                .hasMessageContaining("another data directory");

        first.close();
        AutoCloseable again = LocalStack.lock(home);
        again.close();
        assertThat(home.resolve(".lock")).exists();
    }
}
