package org.jdnn.playground;

import org.jdnn.backend.Backends;
import org.jdnn.train.io.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The playground's HTTP API, through a real server on a free local port. */
class PlaygroundServerTest {
    private final HttpClient client = HttpClient.newHttpClient();
    private PlaygroundServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = PlaygroundServer.start("127.0.0.1", 0,
                new PlaygroundSession(PlaygroundConfig.DEFAULT, Backends.get(Backends.REFERENCE)));
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void bindsToTheLoopbackAddressGiven() {
        assertEquals("127.0.0.1", server.uri().getHost(), server.uri().toString());
        assertTrue(server.uri().getPort() > 0, server.uri().toString());
    }

    @Test
    void servesThePageAndItsScript() throws Exception {
        HttpResponse<String> page = send("GET", "/", null);
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), page.headers().toString());
        assertTrue(page.body().contains("<canvas id=\"boundary\""), "the page has no boundary canvas");
        HttpResponse<String> script = send("GET", "/playground.js", null);
        assertEquals(200, script.statusCode());
        assertTrue(script.body().contains("/api/state"), "the script does not poll the state");
    }

    @Test
    void stateBeforeTrainingHoldsTheConfigTheGridAndThePoints() throws Exception {
        Map<String, Object> state = json(send("GET", "/api/state", null), 200);
        assertEquals(0, integer(state, "epoch"));
        assertEquals(0, integer(state, "steps"));
        assertEquals(false, state.get("running"));
        Map<String, Object> config = object(state, "config");
        assertEquals("circle", config.get("dataset"));
        assertEquals(List.of(BigDecimal.valueOf(8), BigDecimal.valueOf(8)), config.get("hidden"));
        Map<String, Object> boundary = object(state, "boundary");
        assertEquals(50, integer(boundary, "size"));
        assertEquals(2500, ((List<?>) boundary.get("probabilities")).size());
        assertEquals(500, ((List<?>) object(state, "train").get("xy")).size(), "250 training points, x and y each");
        assertEquals(250, ((List<?>) object(state, "test").get("labels")).size());
        assertEquals(List.of(BigDecimal.ZERO), object(state, "history").get("epochs"));
    }

    @Test
    void badSettingsAndBodiesGet400WithTheReason() throws Exception {
        assertError(send("POST", "/api/reset", "{\"noise\": 2}"), 400,
                "bad setting: noise must be in [0.0, 0.5], got 2.0");
        assertError(send("POST", "/api/reset", "{\"layers\": [4]}"), 400, "bad setting: unknown setting 'layers', "
                + "expected one of dataset, noise, samples, testFraction, hidden, activation, learningRate, optimizer, "
                + "l2, dropout, batchSize, seed");
        assertError(send("POST", "/api/reset", "{\"hidden\": [4, 2.5]}"), 400,
                "bad setting: hidden must be a whole number, got 2.5");
        assertError(send("POST", "/api/reset", "{\"dataset\": \"moons\"}"), 400,
                "bad setting: dataset must be one of circle, xor, gaussians, spiral, got 'moons'");
        assertError(send("POST", "/api/reset", "{\"batchSize\": 0}"), 400,
                "bad setting: batchSize must be in [1, samples = 500], got 0");
        assertError(send("POST", "/api/reset", "{\"noise\": "), 400,
                "bad JSON in the request body: unexpected end of text at character 10");
        assertError(send("POST", "/api/reset", "[1, 2]"), 400,
                "the request body must be a JSON object of settings, e.g. {\"dataset\":\"xor\"}");
        assertError(send("POST", "/api/reset", "x".repeat(PlaygroundServer.MAX_BODY + 1)), 413,
                "request body larger than 65536 bytes");
        assertEquals("circle", object(json(send("GET", "/api/state", null), 200), "config").get("dataset"),
                "a rejected reset changed the config");
    }

    @Test
    void unknownPathsGet404AndWrongMethods405() throws Exception {
        assertError(send("GET", "/api/train", null), 404, "no such page or API: /api/train");
        assertError(send("GET", "/secret.txt", null), 404, "no such page or API: /secret.txt");
        HttpResponse<String> get = send("GET", "/api/step", null);
        assertError(get, 405, "/api/step takes POST, not GET");
        assertEquals("POST", get.headers().firstValue("Allow").orElse(null));
        assertError(send("POST", "/api/state", ""), 405, "/api/state takes GET, not POST");
        assertError(send("DELETE", "/", null), 405, "/ takes GET, not DELETE");
    }

    @Test
    void requestsFromAnotherSiteGet403() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(server.uri().resolve("/api/reset"))
                .header("Origin", "http://evil.example").POST(HttpRequest.BodyPublishers.ofString("{\"seed\": 5}"))
                .build();
        assertError(client.send(request, HttpResponse.BodyHandlers.ofString()), 403,
                "requests from another site (http://evil.example) are refused");
        assertEquals(1, integer(object(json(send("GET", "/api/state", null), 200), "config"), "seed"));
    }

    @Test
    void stepTrainsOneEpochAndResetStartsOverWithTheNewSettings() throws Exception {
        Map<String, Object> stepped = json(send("POST", "/api/step", ""), 200);
        assertEquals(1, integer(stepped, "epoch"));
        assertEquals(25, integer(stepped, "steps"), "250 training points in batches of 10");
        assertEquals(List.of(BigDecimal.ZERO, BigDecimal.ONE), object(stepped, "history").get("epochs"));

        Map<String, Object> reset = json(send("POST", "/api/reset", "{\"dataset\": \"xor\", \"batchSize\": 50}"), 200);
        assertEquals(0, integer(reset, "epoch"));
        assertEquals("xor", object(reset, "config").get("dataset"));
        assertEquals(5, integer(json(send("POST", "/api/step", ""), 200), "steps"), "250 points in batches of 50");
        assertEquals("xor", object(json(send("POST", "/api/reset", ""), 200), "config").get("dataset"),
                "an empty reset keeps the settings");
    }

    @Test
    void startTrainsUntilPaused() throws Exception {
        assertEquals(true, json(send("POST", "/api/start", ""), 200).get("running"));
        long epoch = 0;
        for (int polls = 0; polls < 600 && epoch < 3; polls++) {
            Thread.sleep(50);
            epoch = integer(json(send("GET", "/api/state", null), 200), "epoch");
        }
        assertTrue(epoch >= 3, "still at epoch " + epoch + " after 30 s of training");
        Map<String, Object> paused = json(send("POST", "/api/pause", ""), 200);
        assertEquals(false, paused.get("running"));
        long pausedAt = integer(paused, "epoch");
        Thread.sleep(200);
        assertEquals(pausedAt, integer(json(send("GET", "/api/state", null), 200), "epoch"), "trained after pausing");
    }

    @Test
    void theSameSeedGivesTheSamePictures() {
        PlaygroundConfig spiral = PlaygroundConfig.DEFAULT.with(Map.of("dataset", "spiral", "dropout", new BigDecimal("0.1"),
                "optimizer", "adam", "seed", BigDecimal.valueOf(9)));
        float[] first = boundaryAfterThreeEpochs(spiral);
        float[] second = boundaryAfterThreeEpochs(spiral);
        float[] otherSeed = boundaryAfterThreeEpochs(spiral.withSeed(10));
        assertArrayEquals(first, second, "seed 9 twice");
        assertFalse(Arrays.equals(first, otherSeed), "seeds 9 and 10 drew the same boundary");
    }

    @Test
    void theCircleIsLearnedToOverNinetyPercentTestAccuracy() throws Exception {
        double accuracy = 0;
        int epoch = 0;
        while (epoch < 50 && accuracy <= 0.9) {
            Map<String, Object> state = json(send("POST", "/api/step", ""), 200);
            accuracy = ((BigDecimal) state.get("testAccuracy")).doubleValue();
            epoch = (int) integer(state, "epoch");
        }
        assertTrue(accuracy > 0.9, "test accuracy " + accuracy + " after " + epoch + " epochs");
        List<?> probabilities = (List<?>) object(json(send("GET", "/api/state", null), 200), "boundary").get("probabilities");
        double centre = ((BigDecimal) probabilities.get(25 * 50 + 25)).doubleValue();
        double corner = ((BigDecimal) probabilities.get(0)).doubleValue();
        assertTrue(centre > 0.5 && corner < 0.5, "class 1 inside: centre " + centre + ", corner " + corner);
    }

    private static float[] boundaryAfterThreeEpochs(PlaygroundConfig config) {
        try (PlaygroundSession session = new PlaygroundSession(config, Backends.get(Backends.REFERENCE))) {
            session.step();
            session.step();
            return session.step().boundary();
        }
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        HttpRequest request = HttpRequest.newBuilder(server.uri().resolve(URI.create(path))).method(method, publisher)
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void assertError(HttpResponse<String> response, int status, String message) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(message, response.body().strip());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
                response.headers().toString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(HttpResponse<String> response, int status) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        return (Map<String, Object>) Json.parse(response.body());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<String, Object> json, String key) {
        return (Map<String, Object>) json.get(key);
    }

    private static long integer(Map<String, Object> json, String key) {
        return ((BigDecimal) json.get(key)).longValueExact();
    }
}
