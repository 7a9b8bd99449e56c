package dev.gale.scheduler.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {
    private final SecretBox box = SecretBox.fromBase64(SecretBox.newKey(), "GALE_SECRETS_KEY");

    @Test
    void aSealedValueOpensToItselfAndHidesThePlaintext() {
        String sealed = box.seal("hunter2-ünïcode");
        assertThat(sealed).startsWith(SecretBox.PREFIX).doesNotContain("hunter2");
        assertThat(box.seal("hunter2-ünïcode")).as("a fresh nonce each time").isNotEqualTo(sealed);
        assertThat(box.open(sealed)).isEqualTo("hunter2-ünïcode");
    }

    @Test
    void aValueSealedUnderAnotherKeyOrAlteredDoesNotOpen() {
        String sealed = box.seal("hunter2");
        SecretBox other = SecretBox.fromBase64(SecretBox.newKey(), "GALE_SECRETS_KEY");
        assertThatThrownBy(() -> other.open(sealed)).hasMessageContaining("GALE_SECRETS_KEY");
        char last = sealed.charAt(sealed.length() - 3);
        String altered = sealed.substring(0, sealed.length() - 3) + (last == 'A' ? 'B' : 'A') + sealed.substring(sealed.length() - 2);
        assertThatThrownBy(() -> box.open(altered)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aMalformedKeySaysWhatToSet() {
        assertThatThrownBy(() -> SecretBox.fromBase64("not base64!", "GALE_SECRETS_KEY"))
                .hasMessageContaining("GALE_SECRETS_KEY must be the base64 of 32 random bytes")
                .hasMessageContaining("openssl rand -base64 32");
        assertThatThrownBy(() -> SecretBox.fromBase64("c2hvcnQ=", "GALE_SECRETS_KEY"))
                .hasMessageContaining("32 random bytes").hasMessageNotContaining("c2hvcnQ");
    }

    @Test
    void theKeyFileIsMadeOnceReadableByItsOwnerOnly(@TempDir Path home) throws Exception {
        Path file = home.resolve("secrets-key");
        String sealed = SecretBox.inFile(file).seal("hunter2");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        String key = Files.readString(file);
        assertThat(SecretBox.inFile(file).open(sealed)).as("a restart reads the same key").isEqualTo("hunter2");
        assertThat(Files.readString(file)).isEqualTo(key);
    }
}
