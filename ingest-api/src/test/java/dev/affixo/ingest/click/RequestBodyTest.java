package dev.affixo.ingest.click;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.affixo.ingest.error.ApiError;
import dev.affixo.ingest.error.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;

class RequestBodyTest {

    private final RequestBody body = new RequestBody(8);

    private static Flux<DataBuffer> chunks(String... parts) {
        return Flux.fromArray(parts)
                .map(p -> DefaultDataBufferFactory.sharedInstance.wrap(p.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void joinsChunksUpToTheLimitExactly() {
        assertThat(body.read(chunks("{\"a\"", ":1}", " ")).block())
                .asString(StandardCharsets.UTF_8).isEqualTo("{\"a\":1} ");
    }

    @Test
    void noBodyIsEmpty() {
        assertThat(body.read(Flux.empty()).block()).isEmpty();
    }

    @Test
    void aStreamedBodyPastTheLimitIs413() {
        assertThatThrownBy(() -> body.read(chunks("12345", "6789")).block()).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.error()).isEqualTo(ApiError.PAYLOAD_TOO_LARGE));
    }

    @Test
    void aDeclaredLengthPastTheLimitIs413BeforeReading() {
        body.rejectDeclaredOverLimit(OptionalLong.empty());
        body.rejectDeclaredOverLimit(OptionalLong.of(8));
        assertThatThrownBy(() -> body.rejectDeclaredOverLimit(OptionalLong.of(9)))
                .isInstanceOfSatisfying(ApiException.class,
                        e -> assertThat(e.error()).isEqualTo(ApiError.PAYLOAD_TOO_LARGE));
    }
}
