package dev.affixo.e2e;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP/HTTP traces receiver on 127.0.0.1 for the service jars' exporters: it keeps every export request's
 * protobuf body as received and answers 200. The tests only ask whether one body holds a given trace id (its 16
 * raw bytes, as OTLP encodes it) together with a service name and a span name, which the encoding keeps verbatim
 * — no protobuf library needed to follow one click.
 */
final class TraceCollector implements AutoCloseable {

    private static TraceCollector shared;

    private final HttpServer server;
    private final List<byte[]> exports = new CopyOnWriteArrayList<>();

    private TraceCollector() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/traces", exchange -> {
            try (InputStream body = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                    ? new GZIPInputStream(exchange.getRequestBody()) : exchange.getRequestBody()) {
                exports.add(body.readAllBytes());
            }
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1); // an empty ExportTraceServiceResponse: all spans accepted
            exchange.close();
        });
        server.start();
    }

    /** The one receiver of this test JVM, started on first use; every pipeline's services export to it. */
    static synchronized TraceCollector shared() {
        if (shared == null) {
            try {
                shared = new TraceCollector();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start the OTLP receiver", e);
            }
        }
        return shared;
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces";
    }

    /** Whether some export holds a span of {@code traceIdHex} named {@code spanName}, sent by {@code service}. */
    boolean received(String traceIdHex, String service, String spanName) {
        byte[] traceId = HexFormat.of().parseHex(traceIdHex);
        for (byte[] export : exports) {
            if (contains(export, traceId) && contains(export, ascii(service)) && contains(export, ascii(spanName))) {
                return true;
            }
        }
        return false;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
