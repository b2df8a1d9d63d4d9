package dev.affixo.ingest.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.common.keys.ApiKeyToken;
import dev.affixo.common.keys.KeyKind;
import dev.affixo.infra.seed.TestData;
import dev.affixo.ingest.support.IngestApiIntegrationTest;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** {@code DELETE /v1/visitors/{visitor_id}} over real HTTP, recorded in real PostgreSQL. */
class EraseVisitorContractTest extends IngestApiIntegrationTest {

    private TestData.Workspace ws;
    private String writeKey;

    @BeforeEach
    void seed() {
        ws = data.workspace();
        writeKey = ws.key(600, "write");
    }

    private WebTestClient.ResponseSpec delete(String authorization, String rawPath) {
        return http.delete().uri(URI.create(baseUrl() + rawPath))
                .headers(h -> {
                    if (authorization != null) {
                        h.set(HttpHeaders.AUTHORIZATION, authorization);
                    }
                })
                .exchange();
    }

    /** A 202 with a fresh erasure id; returns it. */
    private UUID accepted(WebTestClient.ResponseSpec response) {
        byte[] body = response.expectStatus().isAccepted()
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectHeader().exists("RateLimit")
                .expectBody().jsonPath("$.ok").isEqualTo(true)
                .jsonPath("$.erasure_id").isNotEmpty()
                .returnResult().getResponseBody();
        String json = new String(body, java.nio.charset.StandardCharsets.UTF_8);
        return UUID.fromString(json.replaceAll(".*\"erasure_id\":\"([^\"]+)\".*", "$1"));
    }

    private Map<String, Object> recorded(UUID erasureId) {
        return data.jdbi().withHandle(h -> h.createQuery("""
                        select workspace_id, key_id, pending_visitor_id, completed_at from visitor_erasures
                        where erasure_id = :id""")
                .bind("id", erasureId).mapToMap().one());
    }

    private long count(String sql) {
        Long n = data.jdbi().withHandle(h -> h.createQuery(sql).bind("ws", ws.id).mapTo(Long.class).one());
        return n;
    }

    @Test
    void recordsTheErasureOfAUrlEncodedIdWithReservedCharacters() {
        Map<String, String> ids = Map.of(
                "/v1/visitors/plain-123", "plain-123",
                "/v1/visitors/a%2Fb%2F", "a/b/",
                "/v1/visitors/what%3F%20x%23y%25z", "what? x#y%z",
                "/v1/visitors/1+1", "1+1",
                "/v1/visitors/caf%C3%A9-%F0%9F%8D%AA", "café-🍪",
                "/v1/visitors/%2E%2E", "..");
        for (Map.Entry<String, String> id : ids.entrySet()) {
            UUID erasureId = accepted(delete("Bearer " + writeKey, id.getKey()));
            assertThat(recorded(erasureId)).as(id.getKey())
                    .containsEntry("workspace_id", ws.id).containsEntry("key_id", ws.keyId(writeKey))
                    .containsEntry("pending_visitor_id", id.getValue()).containsEntry("completed_at", null);
        }
    }

    @Test
    void starScopeMayEraseAndAnUnknownVisitorIsAcceptedLikeAnyOther() {
        String star = ws.key(600, "*");
        UUID erasureId = accepted(delete("Bearer " + star, "/v1/visitors/never-seen-" + UUID.randomUUID()));
        assertThat(recorded(erasureId)).containsEntry("key_id", ws.keyId(star));
        // nothing but the request itself: no visitor, alias or click appears or goes for an unknown id
        for (String table : List.of("clicks", "visitors", "visitor_aliases", "erased_identities")) {
            assertThat(count("select count(*) from " + table + " where workspace_id = :ws")).as(table).isZero();
        }
        assertThat(count("select count(*) from visitor_erasures where workspace_id = :ws")).isEqualTo(1);
    }

    @Test
    void rejectsMissingUnknownRevokedAndExpiredKeys() {
        String revoked = ws.key(600, "write");
        ws.revoke(revoked);
        for (String authorization : new String[] {null, "Bearer", "Basic dXNlcjpwYXNz",
                "Bearer " + ApiKeyToken.generate(KeyKind.WORKSPACE), "Bearer " + revoked,
                "Bearer " + ws.expiredKey("write"), writeKey}) {
            delete(authorization, "/v1/visitors/v-1")
                    .expectStatus().isUnauthorized()
                    .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                    .expectBody().json("{\"error\":\"unauthorized\"}", true);
        }
        // authentication comes before the id: an invalid id without a key is still a 401
        delete(null, "/v1/visitors/").expectStatus().isUnauthorized();
    }

    @Test
    void rejectsKeysWithoutWriteScopeAndAffiliateKeys() {
        for (String key : new String[] {ws.key(600, "track"), ws.key(600, "read"), ws.key(600),
                ws.affiliateKey("write"), ws.affiliateKey("*")}) {
            delete("Bearer " + key, "/v1/visitors/v-1")
                    .expectStatus().isForbidden()
                    .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE,
                            "Bearer error=\"insufficient_scope\", scope=\"write\"")
                    .expectBody().json("{\"error\":\"insufficient_scope\",\"need\":\"write\"}", true);
        }
        assertThat(count("select count(*) from visitor_erasures where workspace_id = :ws")).isZero();
    }

    @Test
    void rejectsIdsThatNoClickCouldCarry() {
        Map<String, String> invalid = Map.of(
                "/v1/visitors", "visitor_id: must not be empty",
                "/v1/visitors/", "visitor_id: must not be empty",
                "/v1/visitors/a/b", "visitor_id: must be one path segment (encode / as %2F)",
                "/v1/visitors/a%00b", "visitor_id: contains U+0000",
                "/v1/visitors/%FF", "visitor_id: not UTF-8 once percent-decoded",
                "/v1/visitors/" + "x".repeat(129), "visitor_id: longer than 128 code points");
        for (Map.Entry<String, String> id : invalid.entrySet()) {
            expectError(delete("Bearer " + writeKey, id.getKey()), 400,
                    "{\"error\":\"invalid_request\",\"detail\":\"" + id.getValue() + "\"}");
        }
        // 128 code points is the limit, counted after decoding (each é is two bytes, six characters encoded)
        accepted(delete("Bearer " + writeKey, "/v1/visitors/" + "%C3%A9".repeat(128)));
    }

    @Test
    void otherMethodsAre405WithAllowDelete() {
        http.get().uri(URI.create(baseUrl() + "/v1/visitors/v-1")).header(HttpHeaders.AUTHORIZATION,
                        "Bearer " + writeKey).exchange()
                .expectStatus().isEqualTo(405)
                .expectHeader().valueEquals(HttpHeaders.ALLOW, "DELETE")
                .expectBody().json("{\"error\":\"method_not_allowed\"}", true);
    }

    @Test
    void theKeysRateLimitCountsErasures() {
        String limited = ws.key(1, "write");
        accepted(delete("Bearer " + limited, "/v1/visitors/v-1"));
        expectError(delete("Bearer " + limited, "/v1/visitors/v-2"), 429, "{\"error\":\"rate_limited\"}");
    }
}
