package dev.affixo.infra.http;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One HTTP/1.1 connection to 127.0.0.1 over a plain socket, for what {@code java.net.http} cannot show: several
 * requests written at once (pipelined) on one kept-alive connection, and a server that leaves a request on that
 * connection unread. {@link #read()} tells three outcomes apart: a response, the server closing the connection
 * (a client then reconnects), and nothing at all within the read timeout ({@link SocketTimeoutException}): a hang.
 */
public final class RawHttpConnection implements AutoCloseable {

    /** A response: status, headers (names lower-cased) and body. */
    public record Response(int status, Map<String, String> headers, String body) {

        /** Whether the server said it closes the connection after this response. */
        public boolean closesConnection() {
            return "close".equalsIgnoreCase(headers.getOrDefault("connection", ""));
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RawHttpConnection(int port, Duration readTimeout) throws IOException {
        this.socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout((int) readTimeout.toMillis());
        socket.setTcpNoDelay(true);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Writes a {@code GET} for each path in one write, as a pipelining client would. */
    public void get(String... paths) throws IOException {
        StringBuilder requests = new StringBuilder();
        for (String path : paths) {
            requests.append("GET ").append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        }
        write(requests.toString());
    }

    /** Writes {@code requests}, complete HTTP/1.1 requests as they go on the wire, in one write. */
    public void write(String requests) throws IOException {
        out.write(requests.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /**
     * The next response, or empty when the server closed the connection before one began.
     *
     * @throws SocketTimeoutException when neither came within the read timeout
     */
    public Optional<Response> read() throws IOException {
        String statusLine;
        try {
            statusLine = line();
        } catch (EOFException | SocketException closed) {
            return Optional.empty();
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new TreeMap<>();
        for (String header = line(); !header.isEmpty(); header = line()) {
            int colon = header.indexOf(':');
            headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
                    size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
                body.write(in.readNBytes(size));
                line();
            }
            line();
        } else {
            body.write(in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0"))));
        }
        return Optional.of(new Response(status, headers, body.toString(StandardCharsets.UTF_8)));
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("connection closed");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
