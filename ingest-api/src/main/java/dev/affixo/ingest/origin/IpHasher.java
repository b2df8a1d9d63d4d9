package dev.affixo.ingest.origin;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code ip_hash}: lowercase hex HMAC-SHA-256 of the address's bytes (4 for IPv4, 16 for IPv6) under a secret.
 * Keyed, because a plain SHA-256 of an IPv4 address is reversed by hashing all 2³² of them; without the secret
 * the hash says only "the same address as that other click". One {@link Mac} per thread (the event loops):
 * creating one costs a provider lookup and the key schedule, which per click would cost more than the MAC.
 */
public final class IpHasher {

    static final String ALGORITHM = "HmacSHA256";
    private static final HexFormat HEX = HexFormat.of();

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;
    private final ThreadLocal<byte[]> outputs = ThreadLocal.withInitial(() -> new byte[32]);

    public IpHasher(byte[] secret) {
        if (secret.length == 0) {
            throw new IllegalArgumentException("the IP hash secret is empty");
        }
        this.key = new SecretKeySpec(secret, ALGORITHM);
        newMac(); // fails here, at startup, rather than on the first click
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    /** @param address 4 or 16 bytes */
    public String hash(byte[] address) {
        Mac mac = macs.get();
        byte[] output = outputs.get();
        mac.update(address);
        try {
            mac.doFinal(output, 0); // resets the Mac for the next address
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        return HEX.formatHex(output);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA-256 is not available", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
