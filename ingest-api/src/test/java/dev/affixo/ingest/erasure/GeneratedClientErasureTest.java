package dev.affixo.ingest.erasure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.affixo.client.ApiClient;
import dev.affixo.client.ApiException;
import dev.affixo.client.api.PrivacyApi;
import dev.affixo.client.model.ErasureAccepted;
import dev.affixo.client.model.Error;
import dev.affixo.infra.seed.TestData;
import dev.affixo.ingest.support.IngestApiIntegrationTest;
import org.junit.jupiter.api.Test;

/**
 * {@code DELETE /v1/visitors/{visitor_id}} through the client openapi-generator builds from openapi.yaml: the spec's
 * path, parameter encoding, 202 body and 403 envelope are the server's.
 */
class GeneratedClientErasureTest extends IngestApiIntegrationTest {

    private PrivacyApi api(String token) {
        ApiClient client = new ApiClient();
        client.updateBaseUri(baseUrl());
        return new PrivacyApi(client.setRequestInterceptor(b -> b.header("Authorization", "Bearer " + token)));
    }

    @Test
    void erasesAnIdWithReservedCharactersAsTheSpecSays() throws Exception {
        TestData.Workspace ws = data.workspace();
        String visitor = "a/b c?d#e%f+é";

        ErasureAccepted reply = api(ws.key(600, "write")).eraseVisitor(visitor);

        assertThat(reply.getOk()).isTrue();
        String recorded = data.jdbi().withHandle(h -> h.createQuery(
                        "select pending_visitor_id from visitor_erasures where erasure_id = :id")
                .bind("id", reply.getErasureId()).mapTo(String.class).one());
        assertThat(recorded).isEqualTo(visitor);
    }

    @Test
    void aTrackOnlyKeyGetsTheSpecifiedForbidden() throws Exception {
        TestData.Workspace ws = data.workspace();
        PrivacyApi trackOnly = api(ws.key(600, "track"));

        ApiException e = catchThrowableOfType(ApiException.class, () -> trackOnly.eraseVisitor("v-1"));

        assertThat(e.getCode()).isEqualTo(403);
        Error body = new ApiClient().getObjectMapper().readValue(e.getResponseBody(), Error.class);
        assertThat(body.getError()).isEqualTo(Error.ErrorEnum.INSUFFICIENT_SCOPE);
        assertThat(body.getNeed()).isEqualTo("write");
    }
}
