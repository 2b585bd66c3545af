package alldata;

import static org.assertj.core.api.Assertions.assertThat;

import alldata.sidecar.config.EnvironmentVariables;
import alldata.sidecar.config.SidecarConfig;
import alldata.sidecar.http.Health;
import alldata.sidecar.http.HttpApi;
import alldata.store.RocksReplicaStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment examples (deploy/, config/production.properties) cannot run here (no systemd, no Kubernetes), so
 * they are checked as text against the code: every AllData setting and {@code ALLDATA_*} variable they use is one
 * the sidecar accepts, with valid values; the probes ask paths the HTTP API answers, on the port it listens on;
 * the advertised address is the pod's stable name; and every setting of the production config says why.
 */
class DeployExamplesTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize();
    private static final Path UNIT = ROOT.resolve("deploy/systemd/alldata-sidecar.service");
    private static final Path K8S = ROOT.resolve("deploy/k8s/alldata-sidecar.yaml");
    private static final Path PRODUCTION = ROOT.resolve("config/production.properties");
    private static final Pattern VARIABLE = Pattern.compile("ALLDATA_[A-Z0-9][A-Z0-9_]*");
    /** Kubernetes' {@code $(NAME)} references to earlier variables of the container. */
    private static final Pattern K8S_REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
    /** Misspelt on purpose: the docs show what a sidecar says about it. */
    private static final Set<String> MISSPELT_ON_PURPOSE = Set.of("ALLDATA_REPLICATON_FACTOR");
    /** Jackson's YAML reader comes with Kafka (a runtime dependency), so the test needs nothing of its own. */
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void theSystemdUnitStartsASidecarWithVariablesTheSidecarAccepts() throws IOException {
        Map<String, List<String>> unit = unitDirectives(Files.readString(UNIT, StandardCharsets.UTF_8));
        assertThat(unit.get("ExecStart")).singleElement().asString()
                .contains("$ALLDATA_JAVA_OPTS", "-jar /opt/alldata/alldata.jar sidecar --config ");
        List<String> variables = new ArrayList<>();
        unit.getOrDefault("Environment", List.of()).forEach(e -> variables.addAll(variables(e.split("=", 2)[0])));
        assertThat(variables).isNotEmpty().allSatisfy(v -> assertThat(EnvironmentVariables.accepted(v)).as(v).isTrue());
        // its state directory is the data.dir of the config it is meant for
        assertThat(unit.get("StateDirectory")).containsExactly("alldata");
        assertThat(SidecarConfig.load(PRODUCTION).dataDir()).isEqualTo(Path.of("/var/lib/alldata"));
        assertThat(unit.get("RestartPreventExitStatus")).as("a config error is not retried").containsExactly("2");
    }

    @Test
    void theStatefulSetsSettingsAndVariablesMakeAValidSidecarConfig() throws IOException {
        Kubernetes k = Kubernetes.read(K8S);
        SidecarConfig config = SidecarConfig.from(k.properties(), k.sidecarEnvironment("alldata-a-0", "storage"));
        assertThat(config.nodeId()).isEqualTo("alldata-a-0");
        assertThat(config.dataDir().toString()).isEqualTo(k.mountPath("data"));
        assertThat(config.httpBind()).isEqualTo("0.0.0.0");
        // the advertised address is the pod's name under the headless Service, on the port the sidecar listens on
        assertThat(config.get(SidecarConfig.HTTP_ADVERTISED_ADDRESS))
                .hasValue("alldata-a-0." + k.statefulSet().path("spec").path("serviceName").asText() + ".storage.svc:"
                        + config.httpPort());
        JsonNode headless = k.service(k.statefulSet().path("spec").path("serviceName").asText());
        assertThat(headless.path("spec").path("clusterIP").asText()).isEqualTo("None");
        assertThat(headless.path("spec").path("publishNotReadyAddresses").asBoolean()).isTrue();
        assertThat(headless.path("spec").path("ports").get(0).path("port").asInt()).isEqualTo(config.httpPort());
        assertThat(k.containerPort("http")).isEqualTo(config.httpPort());
    }

    @Test
    void theProbesAskPathsTheHttpApiAnswersOnItsPort(@TempDir Path dir) throws Exception {
        Kubernetes k = Kubernetes.read(K8S);
        Map<String, String> probes = k.probePaths();
        assertThat(probes).containsOnlyKeys("startupProbe", "livenessProbe", "readinessProbe");
        assertThat(probes.get("livenessProbe")).as("liveness must not follow readiness").isEqualTo("/health/live");
        assertThat(probes.get("readinessProbe")).isEqualTo("/health/ready");
        assertThat(k.probePorts()).containsOnly("http");
        try (RocksReplicaStore store = RocksReplicaStore.open(dir.resolve("replicas"));
             HttpApi api = new HttpApi("127.0.0.1", 0, store, () -> Health.passing("ready: test"), () -> "")) {
            HttpClient client = HttpClient.newHttpClient();
            for (String path : new TreeSet<>(probes.values())) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://" + api.address() + path))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
            }
        }
    }

    @Test
    void everySettingOfTheProductionConfigSaysWhy() throws IOException {
        List<String> unexplained = new ArrayList<>();
        boolean commented = false;
        for (String line : Files.readAllLines(PRODUCTION, StandardCharsets.UTF_8)) {
            String l = line.strip();
            if (l.isEmpty()) {
                commented = false; // a comment covers the settings right below it, up to a blank line
            } else if (l.startsWith("#")) {
                commented = true;
            } else if (!commented) {
                unexplained.add(l);
            }
        }
        assertThat(unexplained).as("settings without a comment above them").isEmpty();
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(PRODUCTION, StandardCharsets.UTF_8)));
        Map<String, String> values = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(key -> values.put(key, p.getProperty(key)));
        SidecarConfig.from(values, Map.of()); // every key known, every value valid
    }

    /** A sidecar refuses unknown {@code ALLDATA_*} variables, so none that the repository tells people to set may be one. */
    @Test
    void everyAllDataVariableTheRepositoryMentionsIsAcceptedBySidecars() throws IOException {
        List<Path> files = new ArrayList<>(List.of(ROOT.resolve("alldata"), ROOT.resolve("README.md")));
        for (String dir : new String[] {"src/main", "config", "compose", "deploy", "docs", "scripts"}) {
            try (Stream<Path> walk = Files.walk(ROOT.resolve(dir))) {
                walk.filter(Files::isRegularFile).forEach(files::add);
            }
        }
        Set<String> refused = new TreeSet<>();
        int seen = 0;
        for (Path f : files) {
            for (String v : variables(Files.readString(f, StandardCharsets.UTF_8))) {
                seen++;
                if (!EnvironmentVariables.accepted(v) && !MISSPELT_ON_PURPOSE.contains(v)) {
                    refused.add(v + " (" + ROOT.relativize(f) + ")");
                }
            }
        }
        assertThat(seen).isGreaterThan(20);
        assertThat(refused).as("ALLDATA_* variables a sidecar would refuse: add them to"
                + " EnvironmentVariables.NOT_SETTINGS if something else reads them").isEmpty();
    }

    private static List<String> variables(String text) {
        List<String> names = new ArrayList<>();
        Matcher m = VARIABLE.matcher(text);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    /** {@code Key=value} lines of a systemd unit, by key, in order (comments and section headers left out). */
    private static Map<String, List<String>> unitDirectives(String unit) {
        Map<String, List<String>> directives = new LinkedHashMap<>();
        for (String line : unit.split("\n")) {
            String l = line.strip();
            int eq = l.indexOf('=');
            if (l.isEmpty() || l.startsWith("#") || l.startsWith(";") || l.startsWith("[") || eq < 0) {
                continue;
            }
            String value = l.substring(eq + 1).strip();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            directives.computeIfAbsent(l.substring(0, eq).strip(), k -> new ArrayList<>()).add(value);
        }
        return directives;
    }

    /** The documents of the Kubernetes example. */
    private record Kubernetes(List<JsonNode> documents) {
        static Kubernetes read(Path file) throws IOException {
            List<JsonNode> docs = new ArrayList<>();
            try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(Files.readString(file, StandardCharsets.UTF_8))) {
                while (it.hasNext()) {
                    JsonNode d = it.next();
                    if (d != null && !d.isEmpty()) {
                        docs.add(d);
                    }
                }
            }
            return new Kubernetes(docs);
        }

        JsonNode only(String kind, String name) {
            List<JsonNode> found = documents.stream().filter(d -> d.path("kind").asText().equals(kind))
                    .filter(d -> name == null || d.path("metadata").path("name").asText().equals(name)).toList();
            assertThat(found).as(kind + (name == null ? "" : " " + name)).hasSize(1);
            return found.get(0);
        }

        JsonNode statefulSet() {
            return only("StatefulSet", null);
        }

        JsonNode service(String name) {
            return only("Service", name);
        }

        JsonNode container() {
            JsonNode containers = statefulSet().path("spec").path("template").path("spec").path("containers");
            assertThat(containers.size()).isEqualTo(1);
            return containers.get(0);
        }

        /** The sidecar.properties of the ConfigMap the StatefulSet mounts. */
        Map<String, String> properties() throws IOException {
            String configMap = statefulSet().path("spec").path("template").path("spec").path("volumes").findValue("configMap")
                    .path("name").asText();
            Properties p = new Properties();
            p.load(new StringReader(only("ConfigMap", configMap).path("data").path("sidecar.properties").asText()));
            Map<String, String> values = new LinkedHashMap<>();
            p.stringPropertyNames().forEach(key -> values.put(key, p.getProperty(key)));
            return values;
        }

        /**
         * The container's environment as a pod named {@code pod} in {@code namespace} sees it: downward-API fields
         * filled in, {@code $(NAME)} references expanded; variables from secrets left out.
         */
        Map<String, String> sidecarEnvironment(String pod, String namespace) {
            Map<String, String> env = new LinkedHashMap<>();
            for (JsonNode e : container().path("env")) {
                String name = e.path("name").asText();
                String field = e.path("valueFrom").path("fieldRef").path("fieldPath").asText();
                String value = switch (field) {
                    case "metadata.name" -> pod;
                    case "metadata.namespace" -> namespace;
                    case "" -> e.has("value") ? e.path("value").asText() : null;
                    default -> throw new AssertionError("no sample value for " + field);
                };
                if (value != null) {
                    Matcher m = K8S_REFERENCE.matcher(value);
                    env.put(name, m.replaceAll(r -> Matcher.quoteReplacement(env.getOrDefault(r.group(1), r.group()))));
                }
            }
            return env;
        }

        String mountPath(String volume) {
            for (JsonNode m : container().path("volumeMounts")) {
                if (m.path("name").asText().equals(volume)) {
                    return m.path("mountPath").asText();
                }
            }
            throw new AssertionError("no volume mount " + volume);
        }

        int containerPort(String name) {
            for (JsonNode p : container().path("ports")) {
                if (p.path("name").asText().equals(name)) {
                    return p.path("containerPort").asInt();
                }
            }
            throw new AssertionError("no container port " + name);
        }

        /** Probe kind to its HTTP path. */
        Map<String, String> probePaths() {
            Map<String, String> paths = new LinkedHashMap<>();
            container().fields().forEachRemaining(f -> {
                if (f.getKey().endsWith("Probe")) {
                    paths.put(f.getKey(), f.getValue().path("httpGet").path("path").asText());
                }
            });
            return paths;
        }

        Set<String> probePorts() {
            Set<String> ports = new TreeSet<>();
            container().fields().forEachRemaining(f -> {
                if (f.getKey().endsWith("Probe")) {
                    ports.add(f.getValue().path("httpGet").path("port").asText());
                }
            });
            return ports;
        }
    }
}
