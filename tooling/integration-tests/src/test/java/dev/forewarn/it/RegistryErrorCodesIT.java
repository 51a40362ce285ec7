package dev.forewarn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forewarn.testsupport.ForewarnKafka;
import dev.forewarn.testsupport.KafkaTestEnvironment;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The registry answers with Confluent's HTTP statuses and error codes, checked over raw HTTP. */
class RegistryErrorCodesIT {

    private static final KafkaTestEnvironment KAFKA = ForewarnKafka.get();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String SCHEMA = "{\"type\":\"record\",\"name\":\"E\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}";

    private record Answer(int status, JsonNode body, String contentType) {
    }

    private static Answer call(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(KAFKA.schemaRegistryUrl() + path))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), JSON.readTree(response.body()),
                response.headers().firstValue("Content-Type").orElse(""));
    }

    private static String schemaBody(String schema) {
        return JSON.createObjectNode().put("schema", schema).toString();
    }

    @Test
    void shouldAnswerConfluentCodesForEachFailure() throws Exception {
        String subject = "codes-" + System.nanoTime() + "-value";

        Answer missingSubject = call("GET", "/subjects/" + subject + "/versions/latest", null);
        assertThat(missingSubject.status()).isEqualTo(404);
        assertThat(missingSubject.body().path("error_code").asInt()).isEqualTo(40401);
        assertThat(missingSubject.contentType()).startsWith("application/vnd.schemaregistry.v1+json");

        Answer missingId = call("GET", "/schemas/ids/987654", null);
        assertThat(missingId.status()).isEqualTo(404);
        assertThat(missingId.body().path("error_code").asInt()).isEqualTo(40403);

        Answer invalidSchema = call("POST", "/subjects/" + subject + "/versions", schemaBody("{\"type\":\"record\"}"));
        assertThat(invalidSchema.status()).isEqualTo(422);
        assertThat(invalidSchema.body().path("error_code").asInt()).isEqualTo(42201);

        Answer registered = call("POST", "/subjects/" + subject + "/versions", schemaBody(SCHEMA));
        assertThat(registered.status()).isEqualTo(200);
        int id = registered.body().path("id").asInt();

        Answer lookedUp = call("POST", "/subjects/" + subject, schemaBody(SCHEMA));
        assertThat(lookedUp.body().path("id").asInt()).isEqualTo(id);
        assertThat(lookedUp.body().path("version").asInt()).isEqualTo(1);

        Answer notInSubject = call("POST", "/subjects/" + subject,
                schemaBody(SCHEMA.replace("\"E\"", "\"Other\"")));
        assertThat(notInSubject.status()).isEqualTo(404);
        assertThat(notInSubject.body().path("error_code").asInt()).isEqualTo(40403);

        Answer missingVersion = call("GET", "/subjects/" + subject + "/versions/5", null);
        assertThat(missingVersion.body().path("error_code").asInt()).isEqualTo(40402);

        Answer incompatible = call("POST", "/subjects/" + subject + "/versions",
                schemaBody(SCHEMA.replace("\"string\"", "\"int\"")));
        assertThat(incompatible.status()).isEqualTo(409);
        assertThat(incompatible.body().path("error_code").asInt()).isEqualTo(409);
        assertThat(incompatible.body().path("message").asText()).contains("field id");

        Answer verbose = call("POST", "/compatibility/subjects/" + subject + "/versions/latest?verbose=true",
                schemaBody(SCHEMA.replace("\"string\"", "\"int\"")));
        assertThat(verbose.body().path("is_compatible").asBoolean(true)).isFalse();
        assertThat(verbose.body().path("messages").toString()).contains("field id");

        Answer invalidLevel = call("PUT", "/config/" + subject, "{\"compatibility\":\"SIDEWAYS\"}");
        assertThat(invalidLevel.status()).isEqualTo(422);
        assertThat(invalidLevel.body().path("error_code").asInt()).isEqualTo(42203);

        Answer globalLevel = call("GET", "/config", null);
        assertThat(globalLevel.body().path("compatibilityLevel").asText()).isEqualTo("BACKWARD");

        Answer unknownRoute = call("GET", "/no/such/route", null);
        assertThat(unknownRoute.status()).isEqualTo(404);
        assertThat(unknownRoute.body().path("error_code").asInt()).isEqualTo(404);
    }
}
