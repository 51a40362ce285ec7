package dev.forewarn.testsupport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Child JVMs for fault tests (a process can be SIGKILLed; a thread cannot): same JDK, same class path. */
public final class ChildJvm {

    private ChildJvm() {
    }

    /** {@code java <jvmArgs> -cp <this class path> <mainClass> <args>}; environment and output are the caller's to set. */
    public static ProcessBuilder of(String mainClass, List<String> jvmArgs, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    /** A service in a child JVM logging with the module's {@code src/test/resources/child-log4j2.xml}. */
    public static ProcessBuilder service(Class<?> mainClass, String heap) {
        return of(mainClass.getName(), List.of("-Xmx" + heap,
                "-Dlog4j2.configurationFile=" + Path.of("src", "test", "resources", "child-log4j2.xml").toAbsolutePath()));
    }

    /** A port free at the time of the call. */
    public static int freePort() {
        return dev.forewarn.kafka.SingleNodeKafka.freePort();
    }
}
