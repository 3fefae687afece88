package org.jdnn.playground;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.jdnn.train.io.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The playground's HTTP server (the JDK's {@code com.sun.net.httpserver}): the page and its script as static
 * resources, and a small JSON API over one {@link PlaygroundSession}.
 *
 * <pre>
 * GET  /                  the page (also /playground.js, /playground.css)
 * GET  /api/state         the state as JSON
 * POST /api/start         train until paused; answers the state
 * POST /api/pause         stop after the epoch under way
 * POST /api/step          one epoch
 * POST /api/reset         start over; an optional JSON object body changes settings, e.g. {"dataset":"xor"}
 * </pre>
 * A bad request gets 400 (a bad setting or body), 403 (sent by a page of another site), 404 (unknown path), 405
 * (wrong method) or 413 (body too large), with a one-line plain-text reason; a failure inside gets 500 with its
 * message. Never a stack trace.
 */
public final class PlaygroundServer implements AutoCloseable {
    /** The largest request body read; a config is a few hundred bytes. */
    static final int MAX_BODY = 64 * 1024;
    private static final Map<String, String> STATIC = Map.of(
            "/", "index.html",
            "/index.html", "index.html",
            "/playground.js", "playground.js",
            "/playground.css", "playground.css");

    private final HttpServer server;
    private final ExecutorService handlers;
    private final PlaygroundSession session;

    private PlaygroundServer(HttpServer server, ExecutorService handlers, PlaygroundSession session) {
        this.server = server;
        this.handlers = handlers;
        this.session = session;
    }

    /**
     * Serves {@code session} on {@code host:port} (port 0: any free one) until {@link #close()}; the server owns
     * the session from here on and closes it.
     */
    public static PlaygroundServer start(String host, int port, PlaygroundSession session) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (BindException e) {
            throw new IOException("playground: cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        // Requests are short (the session serialises the work); two threads let a poll pass a slow command.
        ExecutorService handlers = Executors.newFixedThreadPool(2,
                Thread.ofPlatform().daemon().name("jdnn-playground-http-", 0).factory());
        PlaygroundServer playground = new PlaygroundServer(server, handlers, session);
        server.createContext("/", playground::handle);
        server.setExecutor(handlers);
        server.start();
        return playground;
    }

    /** The page's address, e.g. {@code http://127.0.0.1:8642/}. */
    public URI uri() {
        InetSocketAddress address = server.getAddress();
        String host = address.getAddress().getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort() + "/");
    }

    public PlaygroundSession session() {
        return session;
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
        session.close();
    }

    /** An answer other than 200: its status and the message the client sees. */
    private static final class HttpError extends RuntimeException {
        final int status;
        final String allow; // the method a 405 names in its Allow header

        HttpError(int status, String message) {
            this(status, message, null);
        }

        HttpError(int status, String message, String allow) {
            super(message);
            this.status = status;
            this.allow = allow;
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                route(exchange);
            } catch (HttpError e) {
                if (e.allow != null) {
                    exchange.getResponseHeaders().set("Allow", e.allow);
                }
                send(exchange, e.status, "text/plain; charset=utf-8", e.getMessage() + "\n");
            } catch (RuntimeException e) {
                String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                send(exchange, 500, "text/plain; charset=utf-8", "playground: internal error: " + reason + "\n");
            }
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        refuseOtherOrigins(exchange);
        if (STATIC.containsKey(path)) {
            requireMethod(method, "GET", path);
            String name = STATIC.get(path);
            send(exchange, 200, contentType(name), resource(name));
            return;
        }
        Supplier<PlaygroundState> command = switch (path) {
            case "/api/state" -> {
                requireMethod(method, "GET", path);
                yield session::state;
            }
            case "/api/start" -> post(method, path, session::start);
            case "/api/pause" -> post(method, path, session::pause);
            case "/api/step" -> post(method, path, session::step);
            case "/api/reset" -> {
                requireMethod(method, "POST", path);
                PlaygroundConfig config = config(readBody(exchange));
                yield () -> session.reset(config);
            }
            default -> throw new HttpError(404, "no such page or API: " + path);
        };
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        send(exchange, 200, "application/json; charset=utf-8", command.get().toJson());
    }

    /**
     * Refuses a request a page of another site sends (browsers name that site in {@code Origin}): it could
     * otherwise reset or start this one through a plain form post.
     */
    private static void refuseOtherOrigins(HttpExchange exchange) {
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        String host = exchange.getRequestHeaders().getFirst("Host");
        if (origin != null && !origin.equals("http://" + host)) {
            throw new HttpError(403, "requests from another site (" + origin + ") are refused");
        }
    }

    private static Supplier<PlaygroundState> post(String method, String path, Supplier<PlaygroundState> command) {
        requireMethod(method, "POST", path);
        return command;
    }

    private static void requireMethod(String method, String expected, String path) {
        if (!method.equals(expected)) {
            throw new HttpError(405, path + " takes " + expected + ", not " + method, expected);
        }
    }

    /** The session's config changed by the JSON object in {@code body}; an empty body keeps it. */
    private PlaygroundConfig config(String body) {
        PlaygroundConfig current = session.config();
        if (body.isBlank()) {
            return current;
        }
        Object parsed;
        try {
            parsed = Json.parse(body);
        } catch (Json.SyntaxException e) {
            throw new HttpError(400, "bad JSON in the request body: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new HttpError(400, "the request body must be a JSON object of settings, e.g. {\"dataset\":\"xor\"}");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> settings = (Map<String, Object>) map;
        try {
            return current.with(settings);
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, "bad setting: " + e.getMessage());
        }
    }

    private static String readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                throw new HttpError(413, "request body larger than " + MAX_BODY + " bytes");
            }
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = PlaygroundServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the page resource " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the page resource " + name, e);
        }
    }

    private static String contentType(String name) {
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        return name.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        send(exchange, status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
