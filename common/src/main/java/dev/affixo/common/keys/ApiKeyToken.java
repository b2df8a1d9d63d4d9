package dev.affixo.common.keys;

import dev.affixo.common.Ids;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.zip.CRC32;

/**
 * The API key format: {@code sa_live_} (workspace) or {@code refa_live_} (affiliate), then 32 base62
 * characters from a CSPRNG (~190 bits), then a 6-character base62 CRC32 of everything before it.
 * The checksum lets a mistyped or made-up token be rejected without touching any cache or database.
 * Keys are stored and looked up only as the SHA-256 of the whole token.
 */
public final class ApiKeyToken {

    public static final String WORKSPACE_PREFIX = "sa_live_";
    public static final String AFFILIATE_PREFIX = "refa_live_";
    static final int RANDOM_CHARS = 32;
    static final int CHECKSUM_CHARS = 6;

    private static final char[] BASE62 =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeyToken() {
    }

    /** A new token of the given kind. */
    public static String generate(KeyKind kind) {
        StringBuilder token = new StringBuilder(prefix(kind));
        for (int i = 0; i < RANDOM_CHARS; i++) {
            token.append(BASE62[RANDOM.nextInt(62)]);
        }
        return token.append(checksum(token)).toString();
    }

    /** The kind of a well-formed token with a valid checksum, or null for anything else. */
    public static KeyKind kindOf(String token) {
        KeyKind kind;
        if (token.startsWith(WORKSPACE_PREFIX)) {
            kind = KeyKind.WORKSPACE;
        } else if (token.startsWith(AFFILIATE_PREFIX)) {
            kind = KeyKind.AFFILIATE;
        } else {
            return null;
        }
        int bodyEnd = prefix(kind).length() + RANDOM_CHARS;
        if (token.length() != bodyEnd + CHECKSUM_CHARS) {
            return null;
        }
        for (int i = prefix(kind).length(); i < token.length(); i++) {
            if (!isBase62(token.charAt(i))) {
                return null;
            }
        }
        return checksum(token.subSequence(0, bodyEnd)).contentEquals(token.subSequence(bodyEnd, token.length()))
                ? kind : null;
    }

    /** Lower-case hex SHA-256 of the token: the only form in which a key is stored or cached. */
    private static final ThreadLocal<java.security.MessageDigest> SHA256 = ThreadLocal.withInitial(Ids::sha256);

    public static String hash(String token) {
        return HexFormat.of().formatHex(hashBytes(token));
    }

    public static byte[] hashBytes(String token) {
        // one digest per thread: MessageDigest.getInstance looks the provider up on every call, and this runs per request
        return SHA256.get().digest(token.getBytes(StandardCharsets.US_ASCII));
    }

    /** What may be shown of a key in listings and logs: its prefix and first four random characters. */
    public static String displayPrefix(String token) {
        int keep = (token.startsWith(AFFILIATE_PREFIX) ? AFFILIATE_PREFIX : WORKSPACE_PREFIX).length() + 4;
        return token.substring(0, Math.min(keep, token.length()));
    }

    private static String prefix(KeyKind kind) {
        return kind == KeyKind.WORKSPACE ? WORKSPACE_PREFIX : AFFILIATE_PREFIX;
    }

    private static String checksum(CharSequence body) {
        CRC32 crc = new CRC32();
        for (int i = 0; i < body.length(); i++) {
            crc.update(body.charAt(i));
        }
        long value = crc.getValue();
        char[] out = new char[CHECKSUM_CHARS];
        for (int i = CHECKSUM_CHARS - 1; i >= 0; i--) {
            out[i] = BASE62[(int) (value % 62)];
            value /= 62;
        }
        return new String(out);
    }

    private static boolean isBase62(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }
}
