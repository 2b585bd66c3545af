package alldata;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import alldata.sidecar.Sidecar;
import alldata.sidecar.config.SidecarConfig;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package layering, checked on the compiled classes (not on source text): a violation fails the
 * build in the unit-test phase.
 *
 * <pre>
 *   cli ──► dev ──► client ──► protocol ──► core
 *    │       │                    ▲           ▲
 *    │       └──► sidecar.* ──────┘           │
 *    │               └──► store ──► protocol
 * </pre>
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
                .whereLayer("protocol").mayOnlyBeAccessedByLayers("store", "sidecar", "client", "cli", "dev")
                .check(main);
    }

    @Test
    void clientUsesOnlyCoreAndProtocol() {
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
                .and().doNotHaveFullyQualifiedName("alldata.sidecar.repair.RepairHttp")
                .should().dependOnClassesThat().resideInAPackage("com.sun.net.httpserver..")
                .because("the JDK HTTP server is the HTTP API's (sidecar.http); the one exemption, repair's"
                        + " endpoints (RepairHttp), stays beside the repair service it serves, so that sidecar.http"
                        + " does not depend on repair")
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
}
