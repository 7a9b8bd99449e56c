package dev.gale.scheduler.secrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secret values before they are stored (AES-256-GCM, a fresh 96-bit nonce per value) and opens them
 * again for the task that needs them; a sealed value that was altered, or sealed under another key, does not open.
 */
public final class SecretBox {
    /** What a sealed value starts with, so that values stored before sealing existed are told apart. */
    public static final String PREFIX = "gale-sealed:v1:";
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    private SecretBox(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    /**
     * The box for a key given as base64 of 32 bytes; {@code source} names where it came from (e.g.
     * {@code GALE_SECRETS_KEY}) so that a malformed key is reported with what to set.
     */
    public static SecretBox fromBase64(String base64, String source) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            key = new byte[0];
        }
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException(source + " must be the base64 of 32 random bytes (make one with"
                    + " 'openssl rand -base64 32'); the value given is not");
        }
        return new SecretBox(key);
    }

    /** A new random key, as base64. */
    public static String newKey() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** The box for the key kept in {@code file}, made there (readable by its owner only) on first use. */
    public static SecretBox inFile(Path file) {
        try {
            if (!Files.exists(file)) {
                // Created with mode 600 from the start, so the key is never readable by others, even briefly.
                if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------")));
                } else {
                    Files.createFile(file);
                }
                Files.writeString(file, newKey() + "\n", StandardCharsets.UTF_8);
            }
            return fromBase64(Files.readString(file, StandardCharsets.UTF_8), "the key file " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the secrets key " + file + ": " + e.getMessage(), e);
        }
    }

    public static boolean isSealed(String value) {
        return value.startsWith(PREFIX);
    }

    public String seal(String plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        byte[] sealed = cipher(Cipher.ENCRYPT_MODE, nonce).doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
        return PREFIX + Base64.getEncoder().encodeToString(
                ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array());
    }

    public String open(String sealed) {
        if (!isSealed(sealed)) {
            throw new IllegalArgumentException("not a sealed value");
        }
        byte[] bytes = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
        byte[] nonce = java.util.Arrays.copyOf(bytes, NONCE_BYTES);
        try {
            return new String(cipher(Cipher.DECRYPT_MODE, nonce).doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES),
                    StandardCharsets.UTF_8);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("a stored secret does not open with this key: was GALE_SECRETS_KEY"
                    + " (or $GALE_HOME/secrets-key) changed since it was stored?", e);
        }
    }

    private Crypt cipher(int mode, byte[] nonce) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
            return new Crypt(cipher);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JDK", e);
        }
    }

    /** A cipher whose checked failures (a wrong key, an altered value) become unchecked ones. */
    private record Crypt(Cipher cipher) {
        byte[] doFinal(byte[] input) {
            return doFinal(input, 0, input.length);
        }

        byte[] doFinal(byte[] input, int offset, int length) {
            try {
                return cipher.doFinal(input, offset, length);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
    }
}
