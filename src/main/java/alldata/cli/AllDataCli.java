package alldata.cli;

import java.io.PrintWriter;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code alldata} command line: one subcommand per operation. */
@Command(name = "alldata",
        mixinStandardHelpOptions = true,
        versionProvider = AllDataCli.Version.class,
        description = "AllData: a distributed, master-less, write-once immutable event store on Kafka and RocksDB.",
        subcommands = {
                DevCommand.class,
                BrokerCommand.class,
                SidecarCommand.class,
                PutCommandLine.class,
                HttpReadCommands.Get.class,
                HttpReadCommands.Scan.class,
                ExportCommand.class,
                PeersCommand.class,
                VerifyCommand.class,
                TailCommand.class,
                RepairCommand.class,
                DecommissionCommand.class,
                BenchCommand.class,
                CoreBenchmarkCommand.class,
                CommandLine.HelpCommand.class
        })
public final class AllDataCli implements Runnable {
    /**
     * The level of the Kafka client's connection logging (logback.xml); it stays WARN for the servers (dev, broker,
     * sidecar, bench), whose operators watch their logs.
     */
    static final String CONNECTION_LOG_PROPERTY = "alldata.kafka.connection.log";
    /** The tools that only talk to a cluster as its clients. */
    private static final Set<String> CLIENT_TOOLS = Set.of("put", "get", "scan", "export", "peers", "verify", "tail",
            "repair", "decommission");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        if (args.length > 0 && CLIENT_TOOLS.contains(args[0]) && System.getProperty(CONNECTION_LOG_PROPERTY) == null) {
            // a tool says in one line when it cannot reach Kafka; the client's warning at every retry would bury it.
            // Set before anything logs, as logback reads it once. ALLDATA_JAVA_OPTS=-Dalldata.kafka.connection.log=WARN
            // shows them again.
            System.setProperty(CONNECTION_LOG_PROPERTY, "ERROR");
        }
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs the command line with its output and errors going to {@code out} and {@code err}; returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new AllDataCli()).setCaseInsensitiveEnumValuesAllowed(true)
                .setOut(out).setErr(err);
        // operator-facing errors: one line saying what is wrong, not a stack trace. A cluster that cannot be
        // reached (UnreachableException, an IllegalStateException) is an error like the others: exit code 1
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return e instanceof IllegalArgumentException ? 2 : 1;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: see 'alldata --help'");
    }

    /** Version from the jar manifest, or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = AllDataCli.class.getPackage().getImplementationVersion();
            return new String[] {"alldata " + (v == null ? "dev" : v)};
        }
    }
}
