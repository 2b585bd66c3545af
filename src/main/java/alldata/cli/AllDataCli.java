package alldata.cli;

import java.io.PrintWriter;
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
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
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
        // operator-facing errors: one line saying what is wrong, not a stack trace
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
