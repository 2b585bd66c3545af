package alldata;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The repository explains itself: every relative link of README.md and docs/*.md leads to a file of the
 * repository (and to a heading of that file when it names an anchor), and no file of the repository points
 * at the design notes kept outside it.
 */
class DocumentationTest {
    /** Surefire runs tests in the project directory. */
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize();
    /** What must not be mentioned, spelt so that this file does not mention it. */
    private static final List<String> OUTSIDE = List.of("DESIGN" + ".md", ".." + "/shared");
    /** Build output, runtime data and editor state: not part of the repository (see .gitignore). */
    private static final Set<String> NOT_SOURCES = Set.of(".git", "target", "data", "logs", ".idea", ".vscode",
            ".jqwik-database");

    private static final Pattern FENCE = Pattern.compile("^ {0,3}(```|~~~)");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern INLINE_CODE = Pattern.compile("`[^`]*`");
    private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");

    @Test
    void everyRelativeLinkOfTheDocsLeadsToAFileAndHeadingOfTheRepository() throws IOException {
        List<Path> pages = pages();
        assertThat(pages).as("README.md and docs/*.md").contains(ROOT.resolve("README.md"), ROOT.resolve("docs/README.md"));
        List<String> broken = new ArrayList<>();
        Map<Path, Set<String>> anchors = new HashMap<>();
        int checked = 0;
        for (Path page : pages) {
            for (String target : links(read(page))) {
                if (SCHEME.matcher(target).find()) {
                    continue; // http:, https:, mailto: lead outside by intent
                }
                checked++;
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                String anchor = hash < 0 ? null : target.substring(hash + 1);
                Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
                String where = ROOT.relativize(page) + ": link " + target;
                if (!resolved.startsWith(ROOT)) {
                    broken.add(where + " leads outside the repository");
                } else if (!Files.exists(resolved)) {
                    broken.add(where + ": no file " + ROOT.relativize(resolved));
                } else if (anchor != null && !anchors.computeIfAbsent(resolved, DocumentationTest::anchorsOf).contains(anchor)) {
                    broken.add(where + ": no heading with anchor #" + anchor + " in " + ROOT.relativize(resolved));
                }
            }
        }
        assertThat(checked).as("relative links checked").isPositive();
        assertThat(broken).as("broken links").isEmpty();
    }

    @Test
    void noFileOfTheRepositoryPointsAtDesignNotesOutsideIt() throws IOException {
        List<String> mentions = new ArrayList<>();
        List<Path> files = sources();
        for (Path f : files) {
            byte[] bytes = Files.readAllBytes(f);
            if (isBinary(bytes)) {
                continue;
            }
            String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                for (String needle : OUTSIDE) {
                    if (lines[i].toLowerCase(Locale.ROOT).contains(needle.toLowerCase(Locale.ROOT))) {
                        mentions.add(ROOT.relativize(f) + ":" + (i + 1) + " mentions " + needle);
                    }
                }
            }
        }
        assertThat(files).as("files scanned").contains(ROOT.resolve("pom.xml"), ROOT.resolve("README.md"));
        assertThat(mentions).as("pointers outside the repository").isEmpty();
    }

    @Test
    void anchorsAreMadeFromHeadingsTheWayGitHubMakesThem() {
        Set<String> anchors = anchorsOf(String.join("\n", "# Wire formats", "## Commands (CommandFormat)",
                "### GET /events/{key}: one event from this node", "## Degraded writes (`owed`)",
                "## Micrometer's binders", "```bash", "# not a heading: inside a code block", "```", "## Lag", "## Lag"));
        assertThat(anchors).containsExactlyInAnyOrder("wire-formats", "commands-commandformat",
                "get-eventskey-one-event-from-this-node", "degraded-writes-owed", "micrometers-binders", "lag", "lag-1");
    }

    /** README.md and every Markdown file under docs/. */
    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>();
        pages.add(ROOT.resolve("README.md"));
        try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    /** Every file of the repository: sources, docs, configs, scripts. */
    private static List<Path> sources() throws IOException {
        List<Path> files = new ArrayList<>();
        Files.walkFileTree(ROOT, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) {
                return !dir.equals(ROOT) && NOT_SOURCES.contains(dir.getFileName().toString())
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
                String name = file.getFileName().toString();
                boolean ignored = NOT_SOURCES.contains(name) || name.endsWith(".log") || name.endsWith(".jfr")
                        || name.endsWith(".iml");
                if (!ignored && a.isRegularFile()) {
                    files.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return files;
    }

    /** The link targets of a Markdown text, outside code blocks and code spans. */
    static List<String> links(String markdown) {
        List<String> targets = new ArrayList<>();
        for (String line : outsideCodeBlocks(markdown)) {
            Matcher m = LINK.matcher(INLINE_CODE.matcher(line).replaceAll(""));
            while (m.find()) {
                targets.add(m.group(1));
            }
        }
        return targets;
    }

    private static Set<String> anchorsOf(Path markdownFile) {
        return anchorsOf(read(markdownFile));
    }

    /**
     * The anchors GitHub gives the headings of a Markdown text: the heading's text in lower case without its
     * markup and punctuation (letters, digits, '_', '-' and spaces stay), spaces as '-'; a repeated anchor
     * gets -1, -2, ...
     */
    static Set<String> anchorsOf(String markdown) {
        Set<String> anchors = new LinkedHashSet<>();
        for (String line : outsideCodeBlocks(markdown)) {
            Matcher h = HEADING.matcher(line);
            if (!h.matches()) {
                continue;
            }
            String text = h.group(1).replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replaceAll("<[^>]*>", "")
                    .replace("`", "").replace("*", "");
            String slug = text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "").replace(' ', '-');
            String unique = slug;
            for (int n = 1; !anchors.add(unique); n++) {
                unique = slug + "-" + n;
            }
        }
        return anchors;
    }

    private static List<String> outsideCodeBlocks(String markdown) {
        List<String> lines = new ArrayList<>();
        boolean inFence = false;
        for (String line : markdown.split("\n", -1)) {
            if (FENCE.matcher(line).find()) {
                inFence = !inFence;
            } else if (!inFence) {
                lines.add(line);
            }
        }
        return lines;
    }

    private static boolean isBinary(byte[] bytes) {
        for (int i = 0; i < Math.min(bytes.length, 8000); i++) {
            if (bytes[i] == 0) {
                return true;
            }
        }
        return false;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
