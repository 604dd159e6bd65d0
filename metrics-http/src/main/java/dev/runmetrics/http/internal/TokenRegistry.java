package dev.runmetrics.http.internal;

import dev.runmetrics.http.Role;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The configured bearer tokens, kept only as SHA-256 digests. A presented token is hashed and
 * compared with every configured digest in constant time ({@link MessageDigest#isEqual}), and all
 * digests are always compared, so neither the comparison nor the look-up leaks how much of a
 * token matched. Immutable, thread-safe.
 */
public final class TokenRegistry {

    /** One configured token. */
    public record Entry(byte[] sha256, String subject, Role role, Set<String> workspaces) {
        public Entry {
            sha256 = sha256.clone();
            workspaces = Set.copyOf(workspaces);
        }
    }

    private final List<Entry> entries;

    public TokenRegistry(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public int size() {
        return entries.size();
    }

    /** Every workspace some token may use. */
    public Set<String> workspaces() {
        Set<String> all = new java.util.HashSet<>();
        for (Entry e : entries) {
            all.addAll(e.workspaces());
        }
        return Set.copyOf(all);
    }

    public static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    /** Returns the principal of a presented token, or null if it matches no configured token. */
    public Principal authenticate(String presented) {
        byte[] digest = sha256(presented);
        Entry found = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(e.sha256, digest) && found == null) {
                found = e;
            }
        }
        if (found == null) {
            return null;
        }
        return new Principal(found.subject(), found.role(), found.workspaces(), HexFormat.of().formatHex(found.sha256));
    }
}
