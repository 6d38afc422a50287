package dev.logprobs4j.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPOutputStream;

/**
 * A misbehaving HTTP server for client chaos tests: it reads each request, then answers with one
 * {@link Behaviour} (dripping a body a byte at a time, stalling, resetting the connection, sending a
 * huge line, or gzip nobody asked for), written straight to the socket so nothing in between
 * smooths it over. Listens on {@code 127.0.0.1} on a free port; every stall is bounded, so a test
 * that forgets to close still ends. Thread-safe; close it after the test.
 *
 * {@snippet :
 * try (ChaosServer server = ChaosServer.start(ChaosServer.stallAfter("text/event-stream", firstEvents))) {
 *     ChatModel model = OpenAiChatModel.builder().baseUrl(server.baseUrl()).readTimeout(Duration.ofMillis(300))...;
 *     // model.stream(...) ends in IncompleteStreamException carrying the chunks of firstEvents
 * }
 * }
 */
public final class ChaosServer implements AutoCloseable {

    /** The longest any behaviour holds a connection open without sending. */
    static final Duration MAX_STALL = Duration.ofSeconds(30);

    /** What the server does after reading a request. */
    @FunctionalInterface
    public interface Behaviour {
        void answer(Socket socket, OutputStream out) throws IOException, InterruptedException;
    }

    private final ServerSocket socket;
    private final ExecutorService connections = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "chaos-connection");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;

    private ChaosServer(ServerSocket socket, Behaviour behaviour) {
        this.socket = socket;
        Thread accept = new Thread(() -> {
            while (!closed) {
                try {
                    Socket s = socket.accept();
                    connections.submit(() -> serve(s, behaviour));
                } catch (IOException e) {
                    return; // closed
                }
            }
        }, "chaos-accept");
        accept.setDaemon(true);
        accept.start();
    }

    /** A server answering every request with {@code behaviour}. */
    public static ChaosServer start(Behaviour behaviour) {
        try {
            return new ChaosServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), behaviour);
        } catch (IOException e) {
            throw new UncheckedIOException("could not open a loopback port for the chaos server", e);
        }
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    private static void serve(Socket s, Behaviour behaviour) {
        try (s) {
            s.setTcpNoDelay(true);
            readRequest(s.getInputStream());
            behaviour.answer(s, s.getOutputStream());
        } catch (IOException | InterruptedException e) {
            // the client hung up: that ends the test's exchange
        }
    }

    /** Reads the headers and a Content-Length body, so the client is not reset while it still sends. */
    private static void readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                break;
            }
        }
        for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                in.readNBytes(Integer.parseInt(line.substring(15).strip()));
            }
        }
    }

    private static void headers(OutputStream out, String contentType, String extra) throws IOException {
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: " + contentType + "\r\nConnection: close\r\n" + extra + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** The whole {@code body}, one byte per write and flush, pausing {@code pause} every {@code every} bytes. */
    public static Behaviour drip(String contentType, byte[] body, int every, Duration pause) {
        return (s, out) -> {
            headers(out, contentType, "");
            for (int i = 0; i < body.length; i++) {
                out.write(body[i]);
                out.flush();
                if ((i + 1) % every == 0) {
                    Thread.sleep(pause.toMillis());
                }
            }
        };
    }

    /** {@code prefix}, then silence with the connection open (until the client leaves or {@link #MAX_STALL}). */
    public static Behaviour stallAfter(String contentType, byte[] prefix) {
        return (s, out) -> {
            headers(out, contentType, "");
            out.write(prefix);
            out.flush();
            waitForClose(s);
        };
    }

    /** {@code prefix}, then a TCP reset (RST) instead of an orderly close. */
    public static Behaviour resetAfter(String contentType, byte[] prefix) {
        return (s, out) -> {
            headers(out, contentType, "");
            out.write(prefix);
            out.flush();
            Thread.sleep(1_000); // let the client read the prefix: a reset discards what it has not read yet
            s.setSoLinger(true, 0);
        };
    }

    /** {@code prefix}, then one line of {@code size} bytes ({@code data: xxxx...}) that never ends, then silence. */
    public static Behaviour hugeLineAfter(String contentType, byte[] prefix, int size) {
        return (s, out) -> {
            headers(out, contentType, "");
            out.write(prefix);
            byte[] line = new byte[size];
            Arrays.fill(line, (byte) 'x');
            System.arraycopy("data: ".getBytes(StandardCharsets.US_ASCII), 0, line, 0, Math.min(6, size));
            out.write(line);
            out.flush();
            waitForClose(s);
        };
    }

    /** {@code body} gzip-compressed with {@code Content-Encoding: gzip}, which the client did not ask for. */
    public static Behaviour unaskedGzip(String contentType, byte[] body) {
        return (s, out) -> {
            ByteArrayOutputStream zipped = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
                gz.write(body);
            }
            headers(out, contentType, "Content-Encoding: gzip\r\nContent-Length: " + zipped.size() + "\r\n");
            out.write(zipped.toByteArray());
            out.flush();
        };
    }

    private static void waitForClose(Socket s) throws IOException {
        s.setSoTimeout((int) MAX_STALL.toMillis());
        try {
            while (s.getInputStream().read() >= 0) {
                // a well-behaved client sends nothing more; wait for it to hang up
            }
        } catch (java.net.SocketTimeoutException bounded) {
            // the test did not end the exchange: stop holding it
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
        connections.shutdownNow();
    }
}
