package dev.affixo.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.common.keys.KeyKind;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeyTest {

    private static final long NOW = Instant.parse("2026-11-29T12:00:00Z").toEpochMilli();

    private static ApiKey key(KeyKind kind, Set<String> scopes, Instant expiresAt, Instant revokedAt) {
        return new ApiKey(1, 1, kind, scopes, 600, expiresAt, revokedAt);
    }

    @Test
    void aKeyStopsWorkingAtTheMillisecondItExpiresOrIsRevoked() {
        Instant now = Instant.ofEpochMilli(NOW);
        assertThat(key(KeyKind.WORKSPACE, Set.of("track"), null, null).isActiveAt(NOW)).isTrue();
        assertThat(key(KeyKind.WORKSPACE, Set.of("track"), now.plusMillis(1), null).isActiveAt(NOW)).isTrue();
        assertThat(key(KeyKind.WORKSPACE, Set.of("track"), now, null).isActiveAt(NOW)).isFalse();
        assertThat(key(KeyKind.WORKSPACE, Set.of("track"), null, now.plusMillis(1)).isActiveAt(NOW)).isTrue();
        assertThat(key(KeyKind.WORKSPACE, Set.of("track"), null, now).isActiveAt(NOW)).isFalse();
        assertThat(key(KeyKind.WORKSPACE, Set.of("track"), now.plusMillis(1), now).isActiveAt(NOW)).isFalse();
    }

    @Test
    void onlyWorkspaceKeysWithTrackOrStarMayTrack() {
        assertThat(key(KeyKind.WORKSPACE, Set.of("track"), null, null).canTrack()).isTrue();
        assertThat(key(KeyKind.WORKSPACE, Set.of("*"), null, null).canTrack()).isTrue();
        assertThat(key(KeyKind.WORKSPACE, Set.of("read", "write"), null, null).canTrack()).isFalse();
        assertThat(key(KeyKind.AFFILIATE, Set.of("track", "*"), null, null).canTrack()).isFalse();
    }
}
