package org.jdnn.cli;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code jdnn playground --port 0} as a user runs it, in its own JVM: it prints the page's address, serves the page
 * and the state there, and a termination signal (Ctrl-C's SIGINT or a SIGTERM) stops it.
 */
class PlaygroundCommandTest {
    private static final Pattern ADDRESS = Pattern.compile("jdnn playground on \\w+: (http://127\\.0\\.0\\.1:\\d+/)");

    @Test
    void servesThePageAndItsStateUntilTerminated() throws Exception {
        Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "playground", "--port", "0", "--seed", "3"))
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            String url = null;
            String line;
            while (url == null && (line = out.readLine()) != null) {
                seen.append(line).append('\n');
                Matcher address = ADDRESS.matcher(line);
                url = address.find() ? address.group(1) : null;
            }
            assertNotNull(url, "no address printed:\n" + seen);
            URI page = URI.create(url);
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> html = client.send(HttpRequest.newBuilder(page).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, html.statusCode());
            assertTrue(html.body().contains("<canvas"), "the page: " + html.body());
            HttpResponse<String> state = client.send(HttpRequest.newBuilder(page.resolve("api/state")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, state.statusCode());
            assertTrue(state.body().contains("\"seed\":3"), "the state: " + state.body());

            process.destroy(); // SIGTERM runs the shutdown hook, as Ctrl-C's SIGINT does
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the playground did not stop on SIGTERM");
        } finally {
            process.destroyForcibly();
        }
    }
}
