package dev.forewarn.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 keep-alive connection, one request at a time, on a blocking socket. The load
 * generator uses this rather than {@code java.net.http.HttpClient}, whose selector and executor
 * hand-offs cost more CPU per request than the service under test on a 2-core machine (measured:
 * a no-op Javalin endpoint served 11.6k req/s to HttpClient and 37k req/s to this client).
 */
final class Http11Connection implements Closeable {

    /** A response: status and body. */
    record Response(int status, String body) {
    }

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final byte[] fixedHeaders;

    Http11Connection(String host, int port, String headers) throws IOException {
        this.socket = new Socket(host, port);
        socket.setTcpNoDelay(true);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
        this.in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
        this.fixedHeaders = ("Host: " + host + ":" + port + "\r\n" + headers).getBytes(StandardCharsets.ISO_8859_1);
    }

    Response post(String path, byte[] body) throws IOException {
        out.write(("POST " + path + " HTTP/1.1\r\nContent-Length: " + body.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(fixedHeaders);
        out.write('\r');
        out.write('\n');
        out.write(body);
        out.flush();
        String statusLine = line();
        int status = Integer.parseInt(statusLine.substring(9, 12));
        int length = -1;
        boolean chunked = false;
        for (String header = line(); !header.isEmpty(); header = line()) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(lower.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        byte[] content;
        if (chunked) {
            java.io.ByteArrayOutputStream chunks = new java.io.ByteArrayOutputStream();
            for (int size = Integer.parseInt(line().trim(), 16); size > 0; size = Integer.parseInt(line().trim(), 16)) {
                chunks.write(in.readNBytes(size));
                line();
            }
            line();
            content = chunks.toByteArray();
        } else {
            content = in.readNBytes(Math.max(0, length));
        }
        return new Response(status, new String(content, StandardCharsets.UTF_8));
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder(64);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("connection closed by the server");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
