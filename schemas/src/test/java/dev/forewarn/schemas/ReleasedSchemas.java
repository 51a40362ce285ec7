package dev.forewarn.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.avro.Schema;

/**
 * The released versions of each record schema, kept in {@code schemas/src/released/<Record>/v<N>.avsc}
 * as the self-contained schema that was registered. Running {@link #main} snapshots every schema
 * whose current form differs from its latest release as the next version:
 * {@code mvn -pl schemas exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.forewarn.schemas.ReleasedSchemas}.
 */
final class ReleasedSchemas {

    static final Path ROOT = Path.of(System.getProperty("forewarn.released.dir", "src/released"));
    private static final Pattern VERSION = Pattern.compile("v(\\d+)\\.avsc");

    private ReleasedSchemas() {
    }

    static SortedMap<Integer, Schema> of(String recordName) {
        SortedMap<Integer, Schema> versions = new TreeMap<>();
        Path dir = ROOT.resolve(recordName);
        if (!Files.isDirectory(dir)) {
            return versions;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Matcher m = VERSION.matcher(file.getFileName().toString());
                if (m.matches()) {
                    versions.put(Integer.parseInt(m.group(1)), new Schema.Parser().parse(file.toFile()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return versions;
    }

    public static void main(String[] args) throws IOException {
        for (Schema generated : AvroSchemas.RECORDS) {
            Schema current = AvroSchemas.withoutJavaProperties(generated);
            SortedMap<Integer, Schema> released = of(current.getName());
            if (!released.isEmpty() && released.get(released.lastKey()).equals(current)) {
                continue;
            }
            int next = released.isEmpty() ? 1 : released.lastKey() + 1;
            Path file = ROOT.resolve(current.getName()).resolve("v" + next + ".avsc");
            Files.createDirectories(file.getParent());
            Files.writeString(file, current.toString(true) + "\n");
            System.out.println("released " + file);
        }
    }
}
