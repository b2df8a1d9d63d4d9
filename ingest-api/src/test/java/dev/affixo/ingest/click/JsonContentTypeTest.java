package dev.affixo.ingest.click;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.affixo.ingest.error.ApiError;
import dev.affixo.ingest.error.ApiException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonContentTypeTest {

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"application/json", "application/json; charset=utf-8", "APPLICATION/JSON",
            "application/vnd.affixo+json", "application/problem+JSON;v=1"})
    void absentOrJsonIsAccepted(String contentType) {
        assertThat(JsonContentType.isAcceptable(contentType)).isTrue();
        JsonContentType.require(contentType);
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "text/json", "application/xml", "application/jsonp",
            "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "json", "", "application/",
            ";;;", "application/json+xml"})
    void anythingElseIs415(String contentType) {
        assertThat(JsonContentType.isAcceptable(contentType)).isFalse();
        assertThatThrownBy(() -> JsonContentType.require(contentType)).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.error()).isEqualTo(ApiError.UNSUPPORTED_MEDIA_TYPE));
    }
}
