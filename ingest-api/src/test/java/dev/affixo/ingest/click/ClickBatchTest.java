package dev.affixo.ingest.click;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.affixo.common.ClickOrigin;
import dev.affixo.ingest.error.ApiError;
import dev.affixo.ingest.error.ApiException;
import dev.affixo.ingest.origin.TestOrigins;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/** The batch body: what fails the request as a whole, and what only its item. */
class ClickBatchTest {

    private static ClickBatch parse(String json) {
        return ClickBatch.parse(json.getBytes(StandardCharsets.UTF_8), TestOrigins.withoutDatabases());
    }

    private static ApiException refusal(String json) {
        return catchThrowableOfType(ApiException.class, () -> parse(json));
    }

    @Test
    void itemsKeepTheirOrderAndEachItsOwnKeyOrError() {
        ClickBatch batch = parse("""
                {"clicks":[{"ref":"a","idempotency_key":"k1"},{"visitor_id":"v"},{"ref":"b","idempotency_key":""},7],
                 "unknown":true}""");

        assertThat(batch.size()).isEqualTo(4);
        assertThat(batch.items()[0]).isEqualTo(new ClickBatch.Item(new ClickRequest("a", null, null, null, null, ClickOrigin.NONE), "k1", null));
        assertThat(batch.items()[1].invalid().detail()).isEqualTo("ref: is required");
        assertThat(batch.items()[1].click()).isNull();
        // "" is absent, as for every optional field of the body
        assertThat(batch.items()[2]).isEqualTo(new ClickBatch.Item(new ClickRequest("b", null, null, null, null, ClickOrigin.NONE), null, null));
        assertThat(batch.items()[3].invalid().detail()).isEqualTo("click: must be a JSON object");
    }

    @Test
    void aBodyThatIsNotOneObjectOrRepeatsAMemberIsInvalidJson() {
        for (String body : new String[] {"", "[]", "{\"clicks\":[]", "{\"clicks\":[{\"ref\":\"a\",\"ref\":\"b\"}]}"}) {
            assertThat(refusal(body).error()).as(body).isEqualTo(ApiError.INVALID_JSON);
        }
    }

    @Test
    void clicksMustBeAnArrayOfOneToFiveHundred() {
        assertThat(refusal("{\"click\":[{\"ref\":\"a\"}]}").detail()).isEqualTo("clicks: must be an array of 1 to 500 clicks");
        assertThat(refusal("{\"clicks\":\"a\"}").detail()).isEqualTo("clicks: must be an array of 1 to 500 clicks");
        assertThat(refusal("{\"clicks\":[]}").detail()).isEqualTo("clicks: must hold 1 to 500 clicks, not 0");
        String items = String.join(",", Collections.nCopies(501, "{\"ref\":\"a\"}"));
        assertThat(refusal("{\"clicks\":[" + items + "]}").detail()).isEqualTo("clicks: must hold 1 to 500 clicks, not 501");
        assertThat(parse("{\"clicks\":[" + items.substring(items.indexOf(',') + 1) + "]}").size()).isEqualTo(500);
    }
}
