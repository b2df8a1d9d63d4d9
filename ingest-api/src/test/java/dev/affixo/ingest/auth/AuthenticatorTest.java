package dev.affixo.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AuthenticatorTest {

    @Test
    void bearerSchemeIsCaseInsensitive() {
        assertThat(Authenticator.bearerToken("Bearer abc")).isEqualTo("abc");
        assertThat(Authenticator.bearerToken("bearer abc")).isEqualTo("abc");
        assertThat(Authenticator.bearerToken("BEARER abc ")).isEqualTo("abc");
    }

    @Test
    void malformedAuthorizationHeadersYieldNoToken() {
        assertThat(Authenticator.bearerToken(null)).isNull();
        assertThat(Authenticator.bearerToken("")).isNull();
        assertThat(Authenticator.bearerToken("Bearer")).isNull();
        assertThat(Authenticator.bearerToken("Bearer ")).isNull();
        assertThat(Authenticator.bearerToken("Bearerabc")).isNull();
        assertThat(Authenticator.bearerToken("Basic dXNlcjpwYXNz")).isNull();
    }
}
