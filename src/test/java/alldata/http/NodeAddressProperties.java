package alldata.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The one rule for a node's address and the one rule for the token, over generated inputs. */
class NodeAddressProperties {
    @Provide
    Arbitrary<String> hostPorts() {
        Arbitrary<String> label = Combinators.combine(Arbitraries.chars().range('a', 'z'), Arbitraries.strings()
                .withCharRange('a', 'z').withCharRange('0', '9').withChars('-').ofMaxLength(11)
                .filter(l -> !l.endsWith("-"))).as((first, rest) -> first + rest);
        Arbitrary<String> host = label.list().ofMinSize(1).ofMaxSize(3).map(l -> String.join(".", l));
        return Combinators.combine(host, Arbitraries.integers().between(1, 65_535)).as((h, p) -> h + ":" + p);
    }

    @Provide
    Arbitrary<String> leading() {
        return Arbitraries.of("", " ", "\t", "  ");
    }

    @Provide
    Arbitrary<String> trailing() {
        return Arbitraries.of("", " ", "/", "//", "/ ", "// \t");
    }

    @Property
    void hostAndPortIsPlainHttp(@ForAll("hostPorts") String hostPort) {
        assertThat(NodeAddress.baseUrl(hostPort)).isEqualTo("http://" + hostPort);
    }

    @Property
    void aUrlIsTakenAsItIsWhateverItsScheme(@ForAll("hostPorts") String hostPort) {
        assertThat(NodeAddress.baseUrl("https://" + hostPort)).isEqualTo("https://" + hostPort);
        assertThat(NodeAddress.baseUrl("http://" + hostPort)).isEqualTo("http://" + hostPort);
    }

    @Property
    void surroundingBlanksAndTrailingSlashesDoNotMatter(@ForAll("hostPorts") String hostPort,
                                                       @ForAll("leading") String before,
                                                       @ForAll("trailing") String after) {
        assertThat(NodeAddress.baseUrl(before + hostPort + after)).isEqualTo("http://" + hostPort);
        assertThat(NodeAddress.baseUrl(before + "https://" + hostPort + after)).isEqualTo("https://" + hostPort);
    }

    @Property
    void aBaseUrlIsItsOwnBaseUrl(@ForAll("hostPorts") String hostPort, @ForAll boolean https) {
        String base = NodeAddress.baseUrl((https ? "https://" : "") + hostPort);
        assertThat(NodeAddress.baseUrl(base)).isEqualTo(base);
    }

    @Example
    void somethingThatIsNoAddressIsRefusedSayingWhatToGive() {
        assertThatThrownBy(() -> NodeAddress.baseUrl("http://:8080")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("HOST:PORT");
        assertThatThrownBy(() -> NodeAddress.baseUrl(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NodeAddress.baseUrl("a b:80")).isInstanceOf(IllegalArgumentException.class);
    }

    @Property
    void aTokenIsSentStrippedAndABlankOneNotAtAll(@ForAll String token) {
        Optional<String> sent = BearerToken.of(token);
        if (token.isBlank()) {
            assertThat(sent).isEmpty();
        } else {
            assertThat(sent).hasValue(token.strip());
        }
        assertThat(BearerToken.of(Optional.of(token))).isEqualTo(sent);
    }

    @Example
    void noTokenIsNoToken() {
        assertThat(BearerToken.of((String) null)).isEmpty();
        assertThat(BearerToken.of(Optional.empty())).isEmpty();
    }
}
