package alldata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import alldata.sidecar.config.SidecarConfig;
import java.lang.reflect.Field;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The options of the tools that talk to nodes' HTTP APIs: by default they read through a sidecar on this machine at
 * its default port, and every one takes {@code --token} from the one definition (one rule for a blank token).
 */
class HttpReadOptionsTest {
    @Test
    void theDefaultNodeIsASidecarOnItsDefaultPort() {
        assertThat(HttpReadOptions.DEFAULT_ADDRESS).isEqualTo("localhost:" + SidecarConfig.HTTP_PORT.defaultText());
        for (String command : new String[] {"get", "scan", "export"}) {
            assertThat(CliRun.of(command, "--help").out()).as(command).contains("(default localhost:8080");
        }
    }

    @Test
    void everyCommandThatTalksToNodesTakesTheOneTokenOption() {
        CommandLine cli = new CommandLine(new AllDataCli());
        List<CommandLine> commands = List.of(cli.getSubcommands().get("get"), cli.getSubcommands().get("scan"),
                cli.getSubcommands().get("export"), cli.getSubcommands().get("verify"),
                cli.getSubcommands().get("decommission"), cli.getSubcommands().get("repair").getSubcommands().get("status"),
                cli.getSubcommands().get("repair").getSubcommands().get("check"));
        for (CommandLine c : commands) {
            OptionSpec token = c.getCommandSpec().findOption("--token");
            assertThat(token).as(c.getCommandName()).isNotNull();
            assertThat(((Field) token.userObject()).getDeclaringClass()).as(c.getCommandName()).isEqualTo(TokenOption.class);
        }
    }
}
