package dev.forewarn.local;

import dev.forewarn.service.Env;
import dev.forewarn.topics.TopicAdmin;
import dev.forewarn.topics.TopicCatalogue;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * Creates the topics of the catalogue ({@link dev.forewarn.topics.TopicCatalogue}) that do not exist yet, on any cluster, and exits: docker-compose's one-shot topic-init
 * step. {@code KAFKA_BOOTSTRAP_SERVERS} (and any {@code KAFKA_*} client property),
 * {@code FOREWARN_PARTITIONS} (default 6), {@code FOREWARN_REPLICATION_FACTOR} (default 1).
 */
public final class TopicsMain {

    private TopicsMain() {
    }

    public static void main(String[] args) {
        Env env = Env.system();
        Map<String, Object> props = new HashMap<>(env.kafkaProperties());
        props.putIfAbsent("bootstrap.servers", "localhost:9092");
        int partitions = env.integer("FOREWARN_PARTITIONS", 6, 1, 10_000);
        short replication = (short) env.integer("FOREWARN_REPLICATION_FACTOR", 1, 1, 32);
        try (Admin admin = Admin.create(props)) {
            List<String> created = TopicAdmin.createMissing(admin, TopicCatalogue.all(), partitions, replication);
            System.out.println("topics created: " + (created.isEmpty() ? "none (all exist)" : String.join(", ", created)));
        }
    }
}
