package alldata.store;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import alldata.sidecar.Sidecar;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Callers hold the role of the store they use ({@link ReplicaWrites}, {@link ReplicaPlans}, {@link ReplicaReads},
 * {@link ReplicaDigests}, {@link FailedMarks}, {@link NodeState}); only the code that opens a store names
 * {@link RocksReplicaStore}: the sidecar, and the dev and cli tools. Checked on the compiled classes.
 */
class ConcreteStoreAccessTest {
    @Test
    void onlyTheCodeThatOpensAStoreNamesTheConcreteStore() {
        noClasses().that().resideOutsideOfPackages("alldata.store..", "alldata.dev..", "alldata.cli..")
                .and().doNotBelongToAnyOf(Sidecar.class)
                .should().dependOnClassesThat().belongToAnyOf(RocksReplicaStore.class)
                .because("a caller depends on the role it uses, so that the store's parts can change behind it")
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("alldata"));
    }
}
