package alldata;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import alldata.core.Clock;
import alldata.sidecar.Sidecar;
import alldata.sidecar.config.SidecarConfig;
import alldata.sidecar.http.Replies;
import com.sun.net.httpserver.HttpExchange;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package layering, checked on the compiled classes (not on source text): a violation fails the
 * build in the unit-test phase.
 *
 * <pre>
 *   cli ──► dev ──► client ──► http ──► protocol ──► core
 *    │       │                  ▲          ▲           ▲
 *    │       └──► sidecar.* ────┴──────────┘           │
 *    │               └──► store ──► protocol
 * </pre>
 *
 * {@code http} is the one client of nodes' HTTP APIs: the sidecars (asking their peers) and the tools (through
 * {@code client}) share it, so it sits below both.
 */
class ArchitectureTest {
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("alldata");
    }

    @Test
    void coreIsPureJava() {
        noClasses().that().resideInAPackage("alldata.core..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.apache.kafka..", "kafka..", "org.rocksdb..", "com.fasterxml..", "picocli..",
                        "io.micrometer..", "com.sun.net.httpserver..")
                .because("the replication core is a plain library (seed API) with no I/O framework")
                .check(main);
    }

    @Test
    void onlyDevUsesTheBrokerItself() {
        noClasses().that().resideOutsideOfPackage("alldata.dev..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "kafka.server..", "org.apache.kafka.server..", "org.apache.kafka.metadata..")
                .because("sidecars and clients talk to Kafka only through its client libraries")
                .check(main);
    }

    @Test
    void layersDependOnlyDownwards() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("core").definedBy("alldata.core..")
                .layer("protocol").definedBy("alldata.protocol..")
                .layer("http").definedBy("alldata.http..")
                .layer("store").definedBy("alldata.store..")
                .layer("sidecar").definedBy("alldata.sidecar..")
                .layer("client").definedBy("alldata.client..")
                .layer("dev").definedBy("alldata.dev..")
                .layer("cli").definedBy("alldata.cli..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("dev").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("client").mayOnlyBeAccessedByLayers("cli", "dev")
                .whereLayer("sidecar").mayOnlyBeAccessedByLayers("cli", "dev")
                .whereLayer("store").mayOnlyBeAccessedByLayers("sidecar", "cli", "dev")
                .whereLayer("http").mayOnlyBeAccessedByLayers("sidecar", "client", "cli", "dev")
                .whereLayer("protocol").mayOnlyBeAccessedByLayers("store", "http", "sidecar", "client", "cli", "dev")
                .check(main);
    }

    @Test
    void theHttpClientUsesOnlyCoreAndProtocol() {
        noClasses().that().resideInAPackage("alldata.http..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "alldata.sidecar..", "alldata.store..", "alldata.client..", "alldata.dev..", "alldata.cli..")
                .because("the sidecars and the tools share it: it may know neither")
                .check(main);
    }

    @Test
    void onlyTheHttpClientSpeaksHttpToNodes() {
        noClasses().that().resideOutsideOfPackage("alldata.http..")
                .should().dependOnClassesThat().resideInAnyPackage("java.net.http..")
                .orShould().dependOnClassesThat().areAssignableTo(java.net.URLConnection.class)
                .because("one HTTP stack, one token rule, one timeout rule: every request to a node goes through"
                        + " alldata.http.NodeClient")
                .check(main);
    }

    @Test
    void onlyRepliesWritesAnAnswer() {
        noClasses().that().haveNameNotMatching(Pattern.quote(Replies.class.getName()) + "(\\$.*)?")
                .should().callMethod(HttpExchange.class, "sendResponseHeaders", int.class, long.class)
                .orShould().callMethod(HttpExchange.class, "getResponseBody")
                .because("every handler of the HTTP API answers one way (Replies, errors through Exchanges): HEAD,"
                        + " lengths and error bodies are then the same on every path")
                .check(main);
    }

    @Test
    void clientUsesOnlyCoreProtocolAndTheHttpClient() {
        noClasses().that().resideInAPackage("alldata.client..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "alldata.sidecar..", "alldata.store..", "alldata.dev..", "alldata.cli..")
                .because("the public client must not drag in the sidecar's internals")
                .check(main);
    }

    @Test
    void sidecarSubpackagesAreFreeOfCycles() {
        slices().matching("alldata.sidecar.(*)..").should().beFreeOfCycles()
                .because("each part of the sidecar can be read, tested and changed without the ones that use it")
                .check(main);
    }

    @Test
    void onlyTheHttpPackageUsesTheJdkHttpServer() {
        noClasses().that().resideOutsideOfPackage("alldata.sidecar.http..")
                .should().dependOnClassesThat().resideInAPackage("com.sun.net.httpserver..")
                .because("the JDK HTTP server is the HTTP API's (sidecar.http), repair's endpoints included; the"
                        + " peer client that repair and the read paths share lives below both (sidecar.peers)")
                .check(main);
    }

    @Test
    void onlyTheCompositionRootsReadTheWholeConfig() {
        noClasses().that().resideOutsideOfPackages("alldata.sidecar.config..", "alldata.dev..", "alldata.cli..")
                .and().doNotBelongToAnyOf(Sidecar.class)
                .should().dependOnClassesThat().belongToAnyOf(SidecarConfig.class)
                .because("each part receives its own settings, built by the code that wires the parts together"
                        + " (Sidecar, and the dev and cli tools), so a part says what it depends on")
                .check(main);
    }

    /** {@code System.currentTimeMillis} or {@code System.nanoTime}, called or referenced ({@code System::nanoTime}). */
    private static final DescribedPredicate<JavaAccess<?>> MACHINE_CLOCK =
            new DescribedPredicate<>("System.currentTimeMillis or System.nanoTime") {
                @Override
                public boolean test(JavaAccess<?> access) {
                    return access.getTargetOwner().isEquivalentTo(System.class)
                            && (access.getName().equals("currentTimeMillis") || access.getName().equals("nanoTime"));
                }
            };

    @Test
    void onlyTheClockReadsTheMachinesClocks() {
        noClasses().that().resideOutsideOfPackages("alldata.dev..", "alldata.cli..")
                .and(DescribedPredicate.not(JavaClass.Predicates.belongToAnyOf(Clock.class)))
                .should().accessTargetWhere(MACHINE_CLOCK)
                .because("time reaches the store, the sidecar and the clients through an injected alldata.core.Clock"
                        + " (Clock.SYSTEM in production), so that deadlines and liveness are tested with a controlled"
                        + " clock; the dev and cli tools (benchmarks, progress lines) are composition roots and read it"
                        + " directly")
                .check(main);
    }
}
