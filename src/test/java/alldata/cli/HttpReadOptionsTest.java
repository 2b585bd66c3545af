package alldata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Every tool that talks to nodes' HTTP APIs takes {@code --token} from the one definition (one rule for a blank token). */
class HttpReadOptionsTest {
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
