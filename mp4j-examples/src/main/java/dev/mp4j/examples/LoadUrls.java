package dev.mp4j.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mp4j.futures.Future;
import dev.mp4j.futures.Futures;
import dev.mp4j.futures.ThreadPoolExecutor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The "ThreadPoolExecutor Example" of Python's concurrent.futures documentation: load several pages at
 * once, each with a timeout, and report each one as it completes.
 *
 * <p>The pages come from a small HTTP server that this example starts on 127.0.0.1 (a free port), so it
 * never touches the network: two ordinary pages, a slow one that outlasts the timeout and a missing one,
 * so that both the success branch and the failure branch print.
 */
public final class LoadUrls {
    /** Per request, as the docs' {@code load_url(url, 60)}; 2 s, so that the slow page fails soon yet a busy machine still serves the others. */
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    static final int INDEX_SIZE = 2048;
    static final int NEWS_SIZE = 5000;

    private LoadUrls() {}

    // Retrieve a single page and report the URL and contents
    static byte[] loadUrl(URI url, Duration timeout) throws IOException {
        var conn = (HttpURLConnection) url.toURL().openConnection();
        conn.setConnectTimeout((int) timeout.toMillis());
        conn.setReadTimeout((int) timeout.toMillis());
        try {
            if (conn.getResponseCode() >= 400) {                // as urllib raises HTTPError
                throw new IOException("HTTP Error " + conn.getResponseCode() + ": " + conn.getResponseMessage());
            }
            try (InputStream in = conn.getInputStream()) {
                return in.readAllBytes();
            }
        } finally {
            conn.disconnect();
        }
    }

    public static void main(String[] args) throws IOException {
        try (var server = new PageServer()) {
            List<URI> urls = List.of(
                    server.uri("/index.html"),
                    server.uri("/news.html"),
                    server.uri("/slow.html"),
                    server.uri("/missing.html"));

            // A try-with-resources block makes sure the threads are cleaned up promptly
            try (var executor = new ThreadPoolExecutor(5)) {
                // Start the load operations and mark each future with its URL
                Map<Future<byte[]>, URI> futureToUrl = new HashMap<>();
                for (URI url : urls) {
                    futureToUrl.put(executor.submit(() -> loadUrl(url, TIMEOUT)), url);
                }
                for (Future<byte[]> future : Futures.asCompleted(futureToUrl.keySet())) {
                    URI url = futureToUrl.get(future);
                    try {
                        byte[] data = future.result();
                        System.out.printf("'%s' page is %d bytes%n", url, data.length);
                    } catch (CompletionException exc) {      // the task's checked exception, wrapped
                        System.out.printf("'%s' generated an exception: %s%n", url, exc.getCause());
                    }
                }
            }
        }
    }

    /**
     * The local server: {@code /index.html} and {@code /news.html} answer at once, {@code /slow.html}
     * answers only when the server closes (long after the client gave up), anything else is a 404.
     */
    static final class PageServer implements AutoCloseable {
        private final HttpServer server;
        private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
        private final CountDownLatch closing = new CountDownLatch(1);

        PageServer() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(handlers);
            server.createContext("/", this::handle);
            server.start();
        }

        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                switch (exchange.getRequestURI().getPath()) {
                    case "/index.html" -> send(exchange, 200, page(INDEX_SIZE));
                    case "/news.html" -> send(exchange, 200, page(NEWS_SIZE));
                    case "/slow.html" -> {
                        try {
                            closing.await(10, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        send(exchange, 200, page(100));
                    }
                    default -> send(exchange, 404, "Not Found".getBytes(StandardCharsets.US_ASCII));
                }
            }
        }

        private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }

        private static byte[] page(int size) {
            String head = "<html><body>";
            String tail = "</body></html>\n";
            return (head + "x".repeat(size - head.length() - tail.length()) + tail)
                    .getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public void close() {
            closing.countDown();
            server.stop(0);
            handlers.close();
        }
    }
}
