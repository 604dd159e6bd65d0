package dev.runmetrics.http.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The dashboard's static files, read from this module's resources under {@value #ROOT}:
 * {@code /} is its {@code index.html}, {@code /dashboard/<file>} any other file. Only names made of
 * letters, digits, {@code . _ -} in {@code /}-separated segments, none starting with a dot, and
 * ending in a known extension are served: there is no directory listing and no way out of the
 * folder ({@code ..}, encoded or not, never matches). Files are read once and kept; each reply
 * carries an ETag (the SHA-256 of the bytes) and {@code Cache-Control: no-cache}, so a browser
 * revalidates (304) instead of running a stale script after an upgrade. Thread-safe.
 */
public final class DashboardAssets {

    static final String ROOT = "dev/runmetrics/http/dashboard/";
    /** The URL prefix of every file but the index. */
    public static final String PREFIX = "/dashboard/";

    private static final Pattern SAFE = Pattern.compile("([A-Za-z0-9_-][A-Za-z0-9._-]*/)*[A-Za-z0-9_-][A-Za-z0-9._-]*");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "json", "application/json; charset=utf-8",
            "txt", "text/plain; charset=utf-8");
    /** Scripts and styles only from this server; WebSockets back to it; no framing by other sites. */
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; "
            + "form-action 'none'";

    /** A file ready to send. */
    public record Asset(byte[] body, String contentType, String etag) {}

    private final Map<String, Optional<Asset>> cache = new ConcurrentHashMap<>();

    /** Returns whether a GET of this path is the dashboard's (the index or under {@link #PREFIX}). */
    public static boolean claims(String path) {
        return path.equals("/") || path.equals("/index.html") || path.startsWith(PREFIX);
    }

    /**
     * Returns the reply to a GET or HEAD of a path the dashboard {@linkplain #claims claims}: the
     * file, a 304 when {@code ifNoneMatch} names its ETag, or the JSON 404. (For a HEAD, Jetty
     * sends the headers of this reply, with its length, and drops the body.)
     */
    public Reply reply(String path, String ifNoneMatch) {
        String name = path.equals("/") || path.equals("/index.html") ? "index.html"
                : path.substring(PREFIX.length());
        Optional<Asset> found = find(name);
        if (found.isEmpty()) {
            return Reply.error(404, "not_found", "no such dashboard file", null, Map.of());
        }
        Asset a = found.get();
        Map<String, String> headers = Map.of("ETag", a.etag(), "Cache-Control", "no-cache",
                "Content-Security-Policy", CSP, "Referrer-Policy", "no-referrer", "X-Frame-Options", "DENY");
        if (ifNoneMatch != null && matches(ifNoneMatch, a.etag())) {
            return new Reply(304, a.contentType(), new byte[0], headers);
        }
        return new Reply(200, a.contentType(), a.body(), headers);
    }

    /** Returns the file of a relative name, if the name is safe and the file exists. */
    Optional<Asset> find(String name) {
        if (name.length() > 200 || !SAFE.matcher(name).matches()) {
            return Optional.empty();
        }
        int dot = name.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
        if (type == null) {
            return Optional.empty();
        }
        return cache.computeIfAbsent(name, n -> load(n, type));
    }

    private Optional<Asset> load(String name, String type) {
        // Through this class, not its class loader: on the module path the folder is a package of
        // this module that it does not open, whose files only the module's own classes can read.
        try (InputStream in = DashboardAssets.class.getResourceAsStream("/" + ROOT + name)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] body = in.readAllBytes();
            return Optional.of(new Asset(body, type, etagOf(body)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dashboard file " + name, e);
        }
    }

    /** A strong entity tag for a body: the first 128 bits of its SHA-256, in hex and quotes. */
    static String etagOf(byte[] body) {
        try {
            return "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body), 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    /**
     * Whether an {@code If-None-Match} header names this entity tag: {@code *}, or one of its
     * comma-separated tags compared weakly (a {@code W/} prefix is ignored, as RFC 9110 says for
     * this header).
     */
    static boolean matches(String ifNoneMatch, String etag) {
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.strip();
            if (t.equals("*") || (t.startsWith("W/") ? t.substring(2) : t).equals(etag)) {
                return true;
            }
        }
        return false;
    }
}
