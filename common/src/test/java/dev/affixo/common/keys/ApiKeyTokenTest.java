package dev.affixo.common.keys;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiKeyTokenTest {

    @Test
    void generatedTokensCarryTheirKindAndAValidChecksum() {
        String workspace = ApiKeyToken.generate(KeyKind.WORKSPACE);
        String affiliate = ApiKeyToken.generate(KeyKind.AFFILIATE);

        assertThat(workspace).startsWith("sa_live_").hasSize(8 + 32 + 6);
        assertThat(affiliate).startsWith("refa_live_").hasSize(10 + 32 + 6);
        assertThat(ApiKeyToken.kindOf(workspace)).isEqualTo(KeyKind.WORKSPACE);
        assertThat(ApiKeyToken.kindOf(affiliate)).isEqualTo(KeyKind.AFFILIATE);
    }

    @Test
    void rejectsMistypedTokensBeforeAnyLookup() {
        String token = ApiKeyToken.generate(KeyKind.WORKSPACE);
        char last = token.charAt(20);
        String oneCharChanged = token.substring(0, 20) + (last == 'a' ? 'b' : 'a') + token.substring(21);

        assertThat(ApiKeyToken.kindOf(oneCharChanged)).isNull();
        assertThat(ApiKeyToken.kindOf(token.substring(0, token.length() - 1))).isNull();
        assertThat(ApiKeyToken.kindOf(token + "0")).isNull();
        assertThat(ApiKeyToken.kindOf("sk_live_" + token.substring(8))).isNull();
        assertThat(ApiKeyToken.kindOf(token.replace('_', '-'))).isNull();
        assertThat(ApiKeyToken.kindOf("")).isNull();
    }

    @Test
    void hashIsSha256HexAndNeverTheToken() {
        String token = ApiKeyToken.generate(KeyKind.WORKSPACE);

        assertThat(ApiKeyToken.hash(token)).hasSize(64).doesNotContain(token.substring(8));
        assertThat(ApiKeyToken.hash(token)).isEqualTo(ApiKeyToken.hash(token));
        assertThat(ApiKeyToken.displayPrefix(token)).isEqualTo(token.substring(0, 12));
    }
}
