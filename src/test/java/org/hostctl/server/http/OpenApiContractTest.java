package org.hostctl.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi31;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hostctl.api.Docroot;
import org.hostctl.api.Json;
import org.hostctl.api.Problem;
import org.hostctl.support.DownSieveBackend;
import org.hostctl.support.Fixtures;
import org.hostctl.support.GreetingServer;
import org.hostctl.support.MailLogSamples;
import org.hostctl.support.RawApi;
import org.hostctl.support.RawApi.Reply;
import org.hostctl.support.TestHostd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Holds hostd's route table, the wire records of {@code org.hostctl.api} and real responses of a running hostd
 * to the OpenAPI document {@code hostd-v1.yaml}. Responses are validated with networknt's JSON Schema validator
 * (draft 2020-12 / OpenAPI 3.1) against a copy of the document in which every object schema is closed
 * ({@code additionalProperties: false}), so an undocumented field fails too.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiContractTest {
    private static final String DOC_IRI = "https://hostd.test/openapi/hostd-v1.json";
    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "patch", "head",
            "options", "trace");

    JsonNode doc;
    JsonSchemaFactory schemas;
    SchemaValidatorsConfig config;
    TestHostd hostd;
    RawApi api;
    Path aliceWeb;
    String alice;
    String aliceReadOnly;
    GreetingServer goneImap;
    GreetingServer goneLmtp;

    @BeforeAll
    void load(@TempDir Path tmp) throws IOException {
        try (InputStream in = HttpApi.class.getResourceAsStream(OpenApiHandler.RESOURCE)) {
            doc = new YAMLMapper().readTree(in);
        }
        ObjectNode closed = doc.deepCopy();
        closeObjectSchemas(closed);
        String closedJson = Json.mapper().writeValueAsString(closed);
        // the document's top-level fields are no schema keywords: known, not validated
        JsonMetaSchema dialect = JsonMetaSchema.builder(OpenApi31.getInstance())
                .keywords(Stream.of("openapi", "info", "jsonSchemaDialect", "servers", "paths", "webhooks",
                        "components", "security", "tags", "externalDocs").map(NonValidationKeyword::new).toList())
                .build();
        schemas = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012, b -> b
                .metaSchema(dialect)
                .defaultMetaSchemaIri(dialect.getIri())
                .schemaLoaders(l -> l.schemas(Map.of(DOC_IRI, closedJson))));
        config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();

        goneImap = GreetingServer.start(GreetingServer.IMAP);
        goneLmtp = GreetingServer.start(GreetingServer.LMTP);
        hostd = TestHostd.startWithManageSieve(tmp.resolve("data"), Fixtures.CONFIG
                + "sieve:\n  backends:\n    - {name: mx-down, host: 127.0.0.1, port: 1, domains: [down.example]}\n"
                + "mail:\n  backends:\n    - {name: mx-gone, host: 127.0.0.1, imapPort: " + goneImap.port()
                + ", lmtpPort: " + goneLmtp.port() + ", domains: [gone.example]}\n"
                + "status: {intervalSeconds: 3600, timeoutSeconds: 2}\n",
                Fixtures.CLOCK, c -> new DownSieveBackend(c.name()));
        api = new RawApi(hostd.url());
        aliceWeb = Files.createDirectories(tmp.resolve("alice"));
        Files.createDirectories(aliceWeb.resolve("public_html/shop/cart"));
        Files.createDirectories(aliceWeb.resolve("public_html/broken"));
        Files.writeString(aliceWeb.resolve("public_html/broken/.htaccess"),
                "# php -- BEGIN hostd-generated handler, do not edit\nAddHandler php74-cgi .php\n");
        Files.createDirectories(aliceWeb.resolve("public_html/old"));
        Files.writeString(aliceWeb.resolve("public_html/old/index.php"), "<?php\n$db = mysql_connect();\n"
                + "if (function_exists('ereg')) { ereg('a', 'b'); }\nini_set('safe_mode', 1);\n");
        Files.createDirectories(aliceWeb.resolve("public_html/odd"));
        Files.writeString(aliceWeb.resolve("public_html/odd/.htaccess"), "AddHandler php99-cgi .php\n");
        hostd.addAccount("alice", aliceWeb, List.of(new Docroot("public_html", "http://127.0.0.1:9/")));
        alice = hostd.token("alice", false);
        aliceReadOnly = hostd.token("alice", true);
        hostd.hostd().mailboxes().addDomain("alice", "example.com");
        hostd.hostd().mailboxes().addDomain("alice", "down.example");
        hostd.hostd().mailboxes().addDomain("alice", "gone.example");
    }

    @AfterAll
    void stop() {
        if (hostd != null) {
            hostd.close();
        }
        for (GreetingServer g : new GreetingServer[] {goneImap, goneLmtp}) {
            try {
                if (g != null) {
                    g.close();
                }
            } catch (IOException e) {
                // nothing left to do
            }
        }
    }

    // ---------------------------------------------------------------- routes

    private Set<String> documentedOperations() {
        Set<String> ops = new TreeSet<>();
        doc.path("paths").fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(m -> {
            if (HTTP_METHODS.contains(m)) {
                ops.add(m.toUpperCase() + " " + p.getKey());
            }
        }));
        return ops;
    }

    private static String openApiPath(String javalinPath) {
        return javalinPath.replaceAll("<([^>]+)>", "{$1}");
    }

    @Test
    void every_route_is_documented_and_every_documented_operation_is_a_route() {
        Set<String> routes = hostd.http().routes().stream().map(r -> r.method() + " " + openApiPath(r.path()))
                .collect(Collectors.toCollection(TreeSet::new));

        assertThat(routes).hasSizeGreaterThanOrEqualTo(7);
        assertThat(documentedOperations()).isEqualTo(routes);
    }

    @Test
    void the_documented_security_matches_each_routes_access() {
        for (Route r : hostd.http().routes()) {
            JsonNode op = operation(r.method(), openApiPath(r.path()));
            String name = r.method() + " " + r.path();
            boolean noToken = op.has("security") && op.get("security").isEmpty();
            assertThat(noToken).as(name + " documented without a token").isEqualTo(r.access() == Route.Access.PUBLIC);
            if (r.access() != Route.Access.PUBLIC) {
                assertThat(op.path("responses").has("401")).as(name + " documents 401").isTrue();
            }
            if (r.access() == Route.Access.WRITE) {
                assertThat(op.path("responses").has("403")).as(name + " documents 403").isTrue();
            }
            assertThat(op.path("operationId").asText()).as(name + " has an operationId").isNotBlank();
        }
        assertThat(doc.path("security").toString()).contains("bearer");
    }

    // ---------------------------------------------------------------- records

    private static List<Class<?>> apiRecords() throws IOException, URISyntaxException {
        // the main classes' own directory: test classes of the same package live elsewhere
        URL dir = Problem.class.getProtectionDomain().getCodeSource().getLocation();
        assertThat(dir).isNotNull();
        assertThat(dir.getProtocol()).isEqualTo("file");
        List<Class<?>> records = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of(dir.toURI()).resolve("org/hostctl/api"))) {
            for (Path f : files.sorted().toList()) {
                String n = f.getFileName().toString();
                if (!n.endsWith(".class") || n.contains("$")) {
                    continue;
                }
                try {
                    Class<?> c = Class.forName("org.hostctl.api." + n.substring(0, n.length() - ".class".length()));
                    if (c.isRecord()) {
                        records.add(c);
                    }
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return records;
    }

    private Set<String> requestBodySchemas() {
        Set<String> names = new TreeSet<>();
        doc.path("paths").forEach(item -> item.forEach(op -> {
            String ref = op.path("requestBody").path("content").path("application/json").path("schema")
                    .path("$ref").asText("");
            if (!ref.isEmpty()) {
                names.add(ref.substring(ref.lastIndexOf('/') + 1));
            }
        }));
        return names;
    }

    @Test
    void every_wire_record_has_a_schema_and_every_schema_a_record() throws Exception {
        Set<String> records = apiRecords().stream().map(Class::getSimpleName)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> documented = new TreeSet<>();
        doc.path("components").path("schemas").fieldNames().forEachRemaining(documented::add);

        assertThat(records).contains("Me", "PhpSetting", "Problem");
        assertThat(documented).isEqualTo(records);
    }

    @Test
    void each_schema_has_exactly_its_records_components_with_matching_types() throws Exception {
        Set<String> requests = requestBodySchemas();
        assertThat(requests).containsExactlyInAnyOrder("PhpSetRequest", "PhpCheckRequest", "MailboxCreate", "PasswordChange",
                "QuotaChange", "AliasChange", "Autoreply", "NameChange", "SievePut", "SieveCheck", "SieveRename",
                "SieveTestRequest");
        int checked = 0;
        for (Class<?> record : apiRecords()) {
            JsonNode schema = doc.path("components").path("schemas").path(record.getSimpleName());
            if (schema.isMissingNode()) {
                continue;
            }
            checkRecord(record, schema, !requests.contains(record.getSimpleName()));
            checked++;
        }
        checkRecord(Problem.FieldError.class, doc.at("/components/schemas/Problem/properties/errors/items"), false);
        assertThat(checked).isGreaterThanOrEqualTo(8);
    }

    private void checkRecord(Class<?> record, JsonNode schema, boolean response) {
        String name = record.getSimpleName();
        assertThat(schema.path("type").asText()).as(name + " type").isEqualTo("object");
        List<String> components = Arrays.stream(record.getRecordComponents()).map(RecordComponent::getName).toList();
        Set<String> properties = new TreeSet<>();
        schema.path("properties").fieldNames().forEachRemaining(properties::add);
        assertThat(properties).as(name + " properties").containsExactlyInAnyOrderElementsOf(components);
        List<String> required = new ArrayList<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        assertThat(components).as(name + " required names existing components").containsAll(required);
        for (RecordComponent c : record.getRecordComponents()) {
            String where = name + "." + c.getName();
            JsonNode property = schema.path("properties").path(c.getName());
            checkType(where, c.getGenericType(), property);
            if (response && c.getType().isPrimitive()) {
                // a primitive is always serialised, so a client may rely on it
                assertThat(required).as(where + " (primitive) is required").contains(c.getName());
            }
        }
    }

    private void checkType(String where, Type type, JsonNode property) {
        if (type instanceof ParameterizedType p && p.getRawType() == List.class) {
            assertThat(property.path("type").asText()).as(where).isEqualTo("array");
            checkType(where + "[]", p.getActualTypeArguments()[0], property.path("items"));
            return;
        }
        Class<?> c = (Class<?>) type;
        if (c.isRecord()) {
            if (property.has("$ref")) {
                assertThat(property.get("$ref").asText()).as(where).isEqualTo("#/components/schemas/" + c.getSimpleName());
            } else {
                assertThat(property.path("type").asText()).as(where).isEqualTo("object");
            }
            return;
        }
        String expected;
        if (c == String.class) {
            expected = "string";
        } else if (c == boolean.class || c == Boolean.class) {
            expected = "boolean";
        } else if (c == int.class || c == Integer.class || c == long.class || c == Long.class) {
            expected = "integer";
        } else if (c == LocalDate.class) {
            expected = "string";
            assertThat(property.path("format").asText()).as(where + " format").isEqualTo("date");
        } else if (c == java.time.Instant.class) {
            expected = "string";
            assertThat(property.path("format").asText()).as(where + " format").isEqualTo("date-time");
        } else {
            throw new AssertionError(where + ": no JSON type known for " + c);
        }
        assertThat(property.path("type").asText()).as(where).isEqualTo(expected);
    }

    // ---------------------------------------------------------------- real responses

    private JsonNode operation(String method, String path) {
        JsonNode op = doc.path("paths").path(path).path(method.toLowerCase());
        assertThat(op.isObject()).as(method + " " + path + " is documented").isTrue();
        return op;
    }

    private static String escape(String pointerToken) {
        return pointerToken.replace("~", "~0").replace("/", "~1");
    }

    /** JSON pointer of the documented response of an operation and status, following a response $ref. */
    private String responsePointer(String method, String path, int status) {
        String pointer = "/paths/" + escape(path) + "/" + method.toLowerCase() + "/responses/" + status;
        JsonNode response = doc.at(pointer);
        assertThat(response.isObject()).as(method + " " + path + " documents status " + status).isTrue();
        if (response.has("$ref")) {
            String ref = response.get("$ref").asText();
            assertThat(ref).startsWith("#/");
            pointer = ref.substring(1);
        }
        return pointer;
    }

    private void assertConforms(String method, String path, Reply r, Map<String, Set<Integer>> seen) {
        String opName = method + " " + path;
        seen.computeIfAbsent(opName, k -> new TreeSet<>()).add(r.status());
        String responsePointer = responsePointer(method, path, r.status());
        if (r.status() == 204) {
            assertThat(r.body()).as("%s 204 has no body", opName).isEmpty();
            assertThat(doc.at(responsePointer).has("content")).as("%s 204 documents no content", opName).isFalse();
            return;
        }
        String mediaType = r.contentType().split(";")[0].trim();
        JsonNode content = doc.at(responsePointer + "/content");
        assertThat(content.has(mediaType)).as("%s %d: content type %s is documented (%s)", opName, r.status(),
                mediaType, content).isTrue();
        if (!doc.at(responsePointer + "/content/" + escape(mediaType)).has("schema")) {
            return;
        }
        JsonSchema schema = schemas.getSchema(
                SchemaLocation.of(DOC_IRI + "#" + responsePointer + "/content/" + escape(mediaType) + "/schema"),
                config);
        Set<ValidationMessage> errors = schema.validate(r.json());
        assertThat(errors).as("%s against %s", r, responsePointer).isEmpty();
    }

    @Test
    void real_responses_validate_against_the_documented_schema_of_their_operation_and_status() throws IOException {
        String settings = "/v1/php/settings";
        String verify = "/v1/php/verify";
        Map<String, List<Reply>> calls = new LinkedHashMap<>();
        add(calls, "GET /v1/openapi.yaml", api.get("/v1/openapi.yaml", null));
        add(calls, "GET /v1/me", api.get("/v1/me", alice), api.get("/v1/me", aliceReadOnly), api.get("/v1/me", null));
        add(calls, "GET /v1/php/versions", api.get("/v1/php/versions", alice), api.get("/v1/php/versions", null));
        add(calls, "PUT " + settings,
                api.put(settings + "?path=public_html/shop", alice, "{\"version\":\"8.3\"}"),
                api.put(settings + "?path=public_html/shop/cart", alice, "{\"version\":\"7.4\",\"allowEol\":true}"),
                api.put(settings + "?path=public_html/shop/cart", alice, "{\"version\":\"8.2-fpm\",\"dryRun\":true}"),
                api.put(settings + "?path=public_html/shop", null, "{\"version\":\"8.3\"}"),
                api.put(settings + "?path=public_html/shop", aliceReadOnly, "{\"version\":\"8.3\"}"),
                api.put(settings + "?path=public_html/missing", alice, "{\"version\":\"8.3\"}"),
                api.put(settings + "?path=public_html/broken", alice, "{\"version\":\"8.3\"}"),
                api.put(settings + "?path=../etc", alice, "{\"version\":\"8.3\"}"),
                api.put(settings + "?path=public_html/shop", alice, "{\"version\":\"7.4\"}"),
                api.put(settings + "?path=public_html/shop", alice, "{\"version\":\"8.3\"," + " ".repeat(1 << 20) + "}"));
        add(calls, "GET " + settings,
                api.get(settings, alice),
                api.get(settings + "?path=public_html/shop/cart&path=public_html/odd", alice),
                api.get(settings + "?path=public_html&recursive=true", alice),
                api.get(settings, null),
                api.get(settings + "?path=public_html/missing", alice),
                api.get(settings + "?path=/etc", alice));
        add(calls, "DELETE " + settings,
                api.delete(settings + "?path=public_html/shop/cart", alice),
                api.delete(settings + "?path=public_html/shop&dryRun=true", alice),
                api.delete(settings + "?path=public_html/shop", null),
                api.delete(settings + "?path=public_html/shop", aliceReadOnly),
                api.delete(settings + "?path=public_html/missing", alice),
                api.delete(settings + "?path=public_html/broken", alice),
                api.delete(settings + "?path=public_html/./shop", alice));
        add(calls, "POST " + verify,
                api.post(verify + "?path=public_html/shop", alice),
                api.post(verify + "?path=public_html/shop", null),
                api.post(verify + "?path=public_html/shop", aliceReadOnly),
                api.post(verify + "?path=public_html/missing", alice),
                api.post(verify + "?path=a//b", alice));

        String checks = "/v1/php/checks";
        Reply started = api.send("POST", checks, alice, "{\"version\":\"8.2\",\"paths\":[\"public_html/old\"],"
                + "\"recursive\":true}");
        add(calls, "POST " + checks, started,
                api.send("POST", checks, null, "{\"version\":\"8.2\",\"paths\":[\"public_html\"]}"),
                api.send("POST", checks, alice, "{\"version\":\"8.2\",\"paths\":[\"public_html/missing\"]}"),
                api.send("POST", checks, alice, "{\"version\":\"4.0.banana\",\"paths\":[\"public_html\"]}"));
        String id = started.json().get("id").asText();
        Reply job = api.get(checks + "/" + id, alice);
        for (int i = 0; i < 200 && job.json().get("state").asText().equals("running"); i++) {
            sleep(50);
            job = api.get(checks + "/" + id, alice);
        }
        assertThat(job.header("Location")).isEmpty();
        assertThat(started.header("Location")).contains(checks + "/" + id);
        assertThat(job.json().at("/report/breaking").asInt()).as(job.text()).isEqualTo(1);
        assertThat(job.json().at("/report/warnings").asInt()).isEqualTo(1);
        assertThat(job.json().at("/report/guarded").asInt()).isEqualTo(1);
        add(calls, "GET " + checks + "/{id}", job, api.get(checks + "/" + id, null),
                api.get(checks + "/0123456789abcdef01234567", alice));
        add(calls, "PUT " + settings, api.put(settings + "?path=public_html/old", alice, "{\"version\":\"8.2\"}"));

        mailCalls(calls);
        sieveCalls(calls);
        mailLogCalls(calls);
        statusCalls(calls);

        Map<String, Set<Integer>> seen = new TreeMap<>();
        for (Map.Entry<String, List<Reply>> e : calls.entrySet()) {
            String[] op = e.getKey().split(" ", 2);
            for (Reply r : e.getValue()) {
                assertConforms(op[0], op[1], r, seen);
            }
        }
        assertThat(seen).as("every documented status of every operation was exercised")
                .isEqualTo(documentedStatuses());
        assertThat(calls.get("GET " + settings).get(1).json().get(1).path("problems").size())
                .as("the unknown handler shows up as a problem").isEqualTo(1);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Success and every documented problem of the mail operations. */
    private void mailCalls(Map<String, List<Reply>> calls) {
        String pw = "{\"address\":\"%s\",\"password\":\"correct horse battery staple\"}";
        String mb = "/v1/mailboxes";
        add(calls, "POST " + mb,
                api.send("POST", mb, alice, pw.formatted("ann@example.com")),
                api.send("POST", mb, alice, "{\"address\":\"gen@example.com\",\"generatePassword\":true,"
                        + "\"quotaBytes\":1048576,\"name\":\"Gen\"}"),
                api.send("POST", mb, alice, pw.formatted("gone@example.com")),
                api.send("POST", mb, null, pw.formatted("x@example.com")),
                api.send("POST", mb, aliceReadOnly, pw.formatted("x@example.com")),
                api.send("POST", mb, alice, pw.formatted("x@elsewhere.example")),
                api.send("POST", mb, alice, pw.formatted("ann@example.com")),
                api.send("POST", mb, alice, "{\"address\":\"weak@example.com\",\"password\":\"password1\"}"));
        String ann = mb + "/ann@example.com";
        String gone = mb + "/gone@example.com";
        String nobody = mb + "/nobody@example.com";
        add(calls, "DELETE " + mb + "/{address}",
                api.delete(gone, alice), api.delete(gone, null), api.delete(gone, aliceReadOnly),
                api.delete(nobody, alice));
        add(calls, "GET " + mb, api.get(mb, alice), api.get(mb + "?domain=example.com", alice), api.get(mb, null),
                api.get(mb + "?domain=elsewhere.example", alice));
        add(calls, "GET " + mb + "/{address}", api.get(ann, alice), api.get(gone, alice), api.get(ann, null),
                api.get(nobody, alice));
        String newPw = "{\"password\":\"another long passphrase 7\"}";
        add(calls, "PUT " + mb + "/{address}/password",
                api.put(ann + "/password", alice, newPw), api.put(ann + "/password", alice, "{\"generate\":true}"),
                api.put(ann + "/password", null, newPw), api.put(ann + "/password", aliceReadOnly, newPw),
                api.put(nobody + "/password", alice, newPw), api.put(gone + "/password", alice, newPw),
                api.put(ann + "/password", alice, "{\"password\":\"short\"}"));
        add(calls, "PUT " + mb + "/{address}/quota",
                api.put(ann + "/quota", alice, "{\"quotaBytes\":0}"), api.put(ann + "/quota", null, "{\"quotaBytes\":1}"),
                api.put(ann + "/quota", aliceReadOnly, "{\"quotaBytes\":1}"),
                api.put(nobody + "/quota", alice, "{\"quotaBytes\":1}"),
                api.put(gone + "/quota", alice, "{\"quotaBytes\":1}"),
                api.put(ann + "/quota", alice, "{\"quotaBytes\":-1}"));
        add(calls, "PUT " + mb + "/{address}/name",
                api.put(ann + "/name", alice, "{\"name\":\"Ann A\"}"), api.put(ann + "/name", null, "{\"name\":\"x\"}"),
                api.put(ann + "/name", aliceReadOnly, "{\"name\":\"x\"}"),
                api.put(nobody + "/name", alice, "{\"name\":\"x\"}"),
                api.put(gone + "/name", alice, "{\"name\":\"x\"}"),
                api.put(ann + "/name", alice, "{\"name\":\"bad\\u0007name\"}"));
        for (String action : List.of("disable", "enable")) {
            add(calls, "POST " + mb + "/{address}/" + action,
                    api.send("POST", ann + "/" + action, alice, null), api.send("POST", ann + "/" + action, null, null),
                    api.send("POST", ann + "/" + action, aliceReadOnly, null),
                    api.send("POST", nobody + "/" + action, alice, null),
                    api.send("POST", gone + "/" + action, alice, null));
        }
        String auto = "{\"address\":\"ann@example.com\",\"enabled\":true,\"subject\":\"Away\",\"body\":\"Back soon.\","
                + "\"startDate\":\"2026-12-01\",\"endDate\":\"2026-12-24\",\"intervalDays\":2}";
        add(calls, "PUT " + mb + "/{address}/autoreply",
                api.put(ann + "/autoreply", alice, auto), api.put(ann + "/autoreply", null, auto),
                api.put(ann + "/autoreply", aliceReadOnly, auto), api.put(nobody + "/autoreply", alice, auto),
                api.put(gone + "/autoreply", alice, auto),
                api.put(ann + "/autoreply", alice, auto.replace("\"intervalDays\":2", "\"intervalDays\":0")));
        add(calls, "GET " + mb + "/{address}/autoreply", api.get(ann + "/autoreply", alice),
                api.get(ann + "/autoreply", null), api.get(nobody + "/autoreply", alice));
        add(calls, "DELETE " + mb + "/{address}/autoreply", api.delete(ann + "/autoreply", alice),
                api.delete(ann + "/autoreply", null), api.delete(ann + "/autoreply", aliceReadOnly),
                api.delete(nobody + "/autoreply", alice));
        add(calls, "POST " + mb + "/{address}/restore",
                api.send("POST", gone + "/restore", alice, null), api.send("POST", gone + "/restore", null, null),
                api.send("POST", gone + "/restore", aliceReadOnly, null),
                api.send("POST", nobody + "/restore", alice, null));
        String al = "/v1/aliases";
        String dests = "{\"destinations\":[\"ann@example.com\",\"ext@other.example\"]}";
        add(calls, "POST " + al + "/{source}",
                api.send("POST", al + "/info@example.com", alice, dests),
                api.send("POST", al + "/sales@example.com", alice, "{\"destinations\":[\"info@example.com\"]}"),
                api.send("POST", al + "/info@example.com", null, dests),
                api.send("POST", al + "/info@example.com", aliceReadOnly, dests),
                api.send("POST", al + "/info@elsewhere.example", alice, dests),
                api.send("POST", al + "/info@example.com", alice, "{\"destinations\":[\"sales@example.com\"]}"),
                api.send("POST", al + "/info@example.com", alice, "{\"destinations\":[\"not an address\"]}"));
        add(calls, "GET " + al, api.get(al, alice), api.get(al, null), api.get(al + "?domain=elsewhere.example", alice));
        add(calls, "GET " + al + "/{source}", api.get(al + "/info@example.com", alice),
                api.get(al + "/info@example.com", null), api.get(al + "/none@example.com", alice));
        add(calls, "DELETE " + al + "/{source}",
                api.delete(al + "/info@example.com?destination=ext@other.example", alice),
                api.delete(al + "/sales@example.com", null), api.delete(al + "/sales@example.com", aliceReadOnly),
                api.delete(al + "/none@example.com", alice));
        add(calls, "GET /v1/domains", api.get("/v1/domains", alice), api.get("/v1/domains", null));
    }

    /** Success and every documented problem of the Sieve operations, on the embedded and on a down backend. */
    private void sieveCalls(Map<String, List<Reply>> calls) {
        String mb = "/v1/mailboxes";
        String pw = "{\"address\":\"%s\",\"password\":\"correct horse battery staple\"}";
        for (String a : List.of("sv@example.com", "svgone@example.com", "dora@down.example")) {
            assertThat(api.send("POST", mb, alice, pw.formatted(a)).status()).isEqualTo(201);
        }
        assertThat(api.delete(mb + "/svgone@example.com", alice).status()).isEqualTo(200);
        String sv = mb + "/sv@example.com";
        String gone = mb + "/svgone@example.com";
        String down = mb + "/dora@down.example";
        String nobody = mb + "/nobody@example.com";
        String zip = "require [\\\"fileinto\\\"]; fileinto \\\"Archive\\\";";
        String put = "{\"content\":\"" + zip + "\",\"activate\":true}";
        String keep = "{\"content\":\"keep;\"}";
        String big = "{\"content\":\"#" + "x".repeat(70 * 1024) + "\\nkeep;\"}";
        String broken = "{\"content\":\"require \\\"fileinto\\\";\\nfileinto \\\"A\\\"\\n\"}";
        String longName = "n".repeat(129);
        add(calls, "PUT " + mb + "/{address}/sieve/{name}",
                api.put(sv + "/sieve/zip", alice, put), api.put(sv + "/sieve/second", alice, keep),
                api.put(sv + "/sieve/third", null, keep), api.put(sv + "/sieve/third", aliceReadOnly, keep),
                api.put(nobody + "/sieve/third", alice, keep), api.put(gone + "/sieve/third", alice, keep),
                api.put(sv + "/sieve/third", alice, big), api.put(sv + "/sieve/third", alice, broken),
                api.put(sv + "/sieve/third", alice, "{\"content\":\"\"}"),
                api.put(down + "/sieve/third", alice, keep));
        add(calls, "GET " + mb + "/{address}/sieve", api.get(sv + "/sieve", alice), api.get(sv + "/sieve", null),
                api.get(nobody + "/sieve", alice), api.get(down + "/sieve", alice));
        add(calls, "GET " + mb + "/{address}/sieve/{name}", api.get(sv + "/sieve/zip", alice),
                api.get(sv + "/sieve/zip", null), api.get(sv + "/sieve/missing", alice),
                api.get(sv + "/sieve/" + longName, alice), api.get(down + "/sieve/zip", alice));
        add(calls, "POST " + mb + "/{address}/sieve/{name}/activate",
                api.post(sv + "/sieve/second/activate", alice), api.post(sv + "/sieve/second/activate", null),
                api.post(sv + "/sieve/second/activate", aliceReadOnly), api.post(sv + "/sieve/missing/activate", alice),
                api.post(gone + "/sieve/second/activate", alice),
                api.post(sv + "/sieve/" + longName + "/activate", alice),
                api.post(down + "/sieve/second/activate", alice));
        String renameTo = "{\"newName\":\"%s\"}";
        add(calls, "POST " + mb + "/{address}/sieve/{name}/rename",
                api.send("POST", sv + "/sieve/zip/rename", alice, renameTo.formatted("zip-archive")),
                api.send("POST", sv + "/sieve/zip-archive/rename", null, renameTo.formatted("z")),
                api.send("POST", sv + "/sieve/zip-archive/rename", aliceReadOnly, renameTo.formatted("z")),
                api.send("POST", sv + "/sieve/missing/rename", alice, renameTo.formatted("z")),
                api.send("POST", sv + "/sieve/zip-archive/rename", alice, renameTo.formatted("second")),
                api.send("POST", sv + "/sieve/zip-archive/rename", alice, renameTo.formatted("a/b")),
                api.send("POST", down + "/sieve/zip/rename", alice, renameTo.formatted("z")));
        String check = "{\"content\":\"" + zip + "\"}";
        add(calls, "POST " + mb + "/{address}/sieve-check",
                api.send("POST", sv + "/sieve-check", alice, check), api.send("POST", sv + "/sieve-check", null, check),
                api.send("POST", nobody + "/sieve-check", alice, check),
                api.send("POST", gone + "/sieve-check", alice, check),
                api.send("POST", sv + "/sieve-check", alice, big),
                api.send("POST", sv + "/sieve-check", alice, "{\"content\":\"redirect \\\"x@elsewhere.example\\\";\"}"),
                api.send("POST", down + "/sieve-check", alice, check));
        String message = "From: a@other.example\\r\\nTo: sv@example.com\\r\\nSubject: hi\\r\\n\\r\\nhello\\r\\n";
        String test = "{\"content\":\"" + zip + "\",\"message\":\"" + message + "\"}";
        add(calls, "POST " + mb + "/{address}/sieve-test",
                api.send("POST", sv + "/sieve-test", alice, test), api.send("POST", sv + "/sieve-test", null, test),
                api.send("POST", nobody + "/sieve-test", alice, test),
                api.send("POST", gone + "/sieve-test", alice, test),
                api.send("POST", sv + "/sieve-test", alice, "{\"content\":\"keep;\",\"message\":\""
                        + "x".repeat(600 * 1024) + "\"}"),
                api.send("POST", sv + "/sieve-test", alice, "{\"message\":\"" + message + "\"}"),
                api.send("POST", down + "/sieve-test", alice, "{\"scriptName\":\"zip\",\"message\":\"" + message
                        + "\"}"));
        add(calls, "DELETE " + mb + "/{address}/sieve/{name}",
                api.delete(sv + "/sieve/zip-archive", alice), api.delete(sv + "/sieve/second", null),
                api.delete(sv + "/sieve/second", aliceReadOnly), api.delete(sv + "/sieve/missing", alice),
                api.delete(sv + "/sieve/second", alice), api.delete(sv + "/sieve/second?deactivate=maybe", alice),
                api.delete(down + "/sieve/second", alice));
        add(calls, "POST " + mb + "/{address}/sieve-deactivate",
                api.post(sv + "/sieve-deactivate", alice), api.post(sv + "/sieve-deactivate", null),
                api.post(sv + "/sieve-deactivate", aliceReadOnly), api.post(nobody + "/sieve-deactivate", alice),
                api.post(gone + "/sieve-deactivate", alice), api.post(down + "/sieve-deactivate", alice));
    }

    /** Success and every documented problem of the send log operations. */
    private void mailLogCalls(Map<String, List<Reply>> calls) {
        java.time.Instant t0 = java.time.Instant.parse("2026-11-28T10:00:00Z");
        org.hostctl.server.store.MailLogRepository sink = hostd.hostd().mailLogStore();
        org.hostctl.server.maillog.MessageRecord m = MailLogSamples.withStatus(MailLogSamples.message("CONTRACT01", t0,
                "ann@example.com", "ann@example.com", "x@remote.example:deferred"), "x@remote.example:bounced",
                "y@remote.example:sent");
        sink.message(m);
        sink.message(MailLogSamples.bounceOf(m, "CONTRACT02"));
        sink.message(MailLogSamples.message("CONTRACT03", t0.plusSeconds(60), "ann@example.com", null,
                "z@remote.example:deferred", "w@remote.example:pending"));
        sink.reject(MailLogSamples.reject("mx1/rej/contract", t0.plusSeconds(120), "spam@remote.example",
                "nobody@example.com", null));
        String log = "/v1/mail/log";
        String filters = "?from=ann@example.com&to=remote.example&since=2026-11-28T00:00:00Z"
                + "&until=2026-11-29T00:00:00Z&status=bounced&direction=out&messageId=%3CCONTRACT01@mx1.example%3E"
                + "&queueId=CONTRACT01&limit=10";
        Reply firstPage = api.get(log + "?limit=1", alice);
        add(calls, "GET " + log, api.get(log, alice), firstPage, api.get(log + filters, alice),
                api.get(log + "?cursor=" + firstPage.json().path("nextCursor").asText(), alice),
                api.get(log, null), api.get(log + "?status=lost", alice), api.get(log + "?limit=501", alice));
        add(calls, "GET " + log + "/stats", api.get(log + "/stats", alice),
                api.get(log + "/stats?since=2026-11-28T00:00:00Z&until=2026-11-28T12:00:00Z&by=hour&direction=in",
                        alice),
                api.get(log + "/stats", null), api.get(log + "/stats?by=week", alice));
        String rejectId = api.get(log + "?status=rejected", alice).json().path("items").get(0).path("id").asText();
        add(calls, "GET " + log + "/{id}", api.get(log + "/CONTRACT01", alice), api.get(log + "/" + rejectId, alice),
                api.get(log + "/CONTRACT03", alice), api.get(log + "/CONTRACT01", null),
                api.get(log + "/NOSUCH0001", alice));
        assertThat(calls.get("GET " + log + "/{id}").get(0).json().path("notifications")).hasSize(1);
        assertThat(calls.get("GET " + log).get(2).json().path("items")).hasSize(1);
    }

    /**
     * The status routes, and the 503 of every mailbox change while the domain's backend (two loopback greeting
     * servers) is down.
     */
    private void statusCalls(Map<String, List<Reply>> calls) throws IOException {
        String mb = "/v1/mailboxes";
        String pw = "{\"address\":\"%s\",\"password\":\"correct horse battery staple\"}";
        assertThat(api.send("POST", mb, alice, pw.formatted("gina@gone.example")).status()).isEqualTo(201);
        assertThat(api.put(mb + "/gina@gone.example/autoreply", alice, "{\"subject\":\"Away\",\"body\":\"Back"
                + " soon\"}").status()).isEqualTo(200);
        hostd.hostd().status().addNotice("mail", "mx-gone", "mx-gone is down", "We are on it.");
        goneImap.stop();
        goneLmtp.stop();
        hostd.hostd().monitor().runOnce();
        String gina = mb + "/gina@gone.example";
        add(calls, "POST " + mb, api.send("POST", mb, alice, pw.formatted("new@gone.example")));
        add(calls, "DELETE " + mb + "/{address}", api.delete(gina, alice));
        add(calls, "PUT " + mb + "/{address}/password", api.put(gina + "/password", alice,
                "{\"password\":\"another horse battery staple\"}"));
        add(calls, "PUT " + mb + "/{address}/quota", api.put(gina + "/quota", alice, "{\"quotaBytes\":1000000}"));
        add(calls, "PUT " + mb + "/{address}/name", api.put(gina + "/name", alice, "{\"name\":\"Gina\"}"));
        add(calls, "POST " + mb + "/{address}/disable", api.post(gina + "/disable", alice));
        add(calls, "POST " + mb + "/{address}/enable", api.post(gina + "/enable", alice));
        add(calls, "POST " + mb + "/{address}/restore", api.post(gina + "/restore", alice));
        add(calls, "PUT " + mb + "/{address}/autoreply", api.put(gina + "/autoreply", alice,
                "{\"subject\":\"Away\",\"body\":\"Later\"}"));
        add(calls, "DELETE " + mb + "/{address}/autoreply", api.delete(gina + "/autoreply", alice));
        for (String op : List.of("POST " + mb, "DELETE " + mb + "/{address}", "PUT " + mb + "/{address}/quota",
                "DELETE " + mb + "/{address}/autoreply")) {
            List<Reply> r = calls.get(op);
            Reply last = r.get(r.size() - 1);
            assertThat(last.status()).as(op + ": " + last).isEqualTo(503);
            assertThat(last.problem().path("detail").asText()).contains("mx-gone");
        }
        Reply sieveDown = api.get(mb + "/dora@down.example/sieve", alice);
        assertThat(sieveDown.status()).isEqualTo(503);
        assertThat(sieveDown.problem().path("detail").asText()).as("the probes saw mx-down's ManageSieve down")
                .contains("mail backend mx-down").contains("; down since " + Fixtures.CLOCK.instant());
        add(calls, "GET " + mb + "/{address}/sieve", sieveDown);
        Reply report = api.get("/v1/status", alice);
        add(calls, "GET /v1/status", report, api.get("/v1/status", null));
        assertThat(report.json().path("state").asText()).isEqualTo("down");
        assertThat(report.json().path("notices")).hasSize(1);
        add(calls, "GET /v1/status/history", api.get("/v1/status/history", alice),
                api.get("/v1/status/history?days=7", alice), api.get("/v1/status/history", null),
                api.get("/v1/status/history?days=0", alice));
    }

    @Test
    void the_validation_rejects_what_the_document_does_not_allow() {
        JsonSchema me = schemas.getSchema(SchemaLocation.of(DOC_IRI + "#/components/schemas/Me"), config);
        JsonNode valid = Json.mapper().valueToTree(new org.hostctl.api.Me("alice", "tok_abcdefgh", false, "/srv/a",
                List.of(new Docroot("public_html", "https://a.example/")), "8.2",
                java.time.Instant.parse("2027-11-28T12:00:00Z"), null));
        assertThat(me.validate(valid)).isEmpty();
        ObjectNode neverExpires = valid.deepCopy();
        neverExpires.remove("tokenExpiresAt");
        assertThat(me.validate(neverExpires)).isEmpty();

        ObjectNode extra = valid.deepCopy();
        extra.put("token", "hct_x");
        ObjectNode missing = valid.deepCopy();
        missing.remove("account");
        ObjectNode wrongType = valid.deepCopy();
        wrongType.put("readOnly", "no");
        ObjectNode nestedExtra = valid.deepCopy();
        ((ObjectNode) nestedExtra.get("docroots").get(0)).put("owner", "root");
        ObjectNode badExpiry = valid.deepCopy();
        badExpiry.put("tokenExpiresAt", "in a year");
        for (JsonNode bad : List.of(extra, missing, wrongType, nestedExtra, badExpiry)) {
            assertThat(me.validate(bad)).as(bad.toString()).isNotEmpty();
        }
        JsonSchema version = schemas.getSchema(SchemaLocation.of(DOC_IRI + "#/components/schemas/PhpVersion"), config);
        ObjectNode v = Json.mapper().createObjectNode().put("version", "8.2").put("branch", "8.2")
                .put("handler", "php82-cgi").put("type", "cgi").put("isDefault", true).put("endOfLife", false)
                .put("released", "2022-12-08").put("state", "installed");
        assertThat(version.validate(v)).isEmpty();
        assertThat(version.validate(v.deepCopy().put("type", "proxy"))).as("enum").isNotEmpty();
        assertThat(version.validate(v.deepCopy().put("released", "8 Dec 2022"))).as("date format").isNotEmpty();
    }

    private Map<String, Set<Integer>> documentedStatuses() {
        Map<String, Set<Integer>> statuses = new TreeMap<>();
        doc.path("paths").fields().forEachRemaining(p -> p.getValue().fields().forEachRemaining(m -> {
            if (HTTP_METHODS.contains(m.getKey())) {
                Set<Integer> s = new TreeSet<>();
                m.getValue().path("responses").fieldNames().forEachRemaining(code -> s.add(Integer.parseInt(code)));
                statuses.put(m.getKey().toUpperCase() + " " + p.getKey(), s);
            }
        }));
        return statuses;
    }

    private static void add(Map<String, List<Reply>> calls, String op, Reply... replies) {
        calls.computeIfAbsent(op, k -> new ArrayList<>()).addAll(List.of(replies));
    }

    /** Adds {@code additionalProperties: false} to every object schema with properties, recursively. */
    private static void closeObjectSchemas(ObjectNode document) {
        document.path("components").path("schemas").forEach(OpenApiContractTest::closeSchema);
        List<JsonNode> contents = new ArrayList<>();
        document.path("components").path("responses").forEach(r -> contents.add(r.path("content")));
        document.path("paths").forEach(item -> item.forEach(op -> {
            op.path("responses").forEach(r -> contents.add(r.path("content")));
            contents.add(op.path("requestBody").path("content"));
        }));
        for (JsonNode content : contents) {
            content.forEach(media -> closeSchema(media.path("schema")));
        }
    }

    private static void closeSchema(JsonNode schema) {
        if (!(schema instanceof ObjectNode o)) {
            return;
        }
        if (o.has("properties") && !o.has("additionalProperties")) {
            o.put("additionalProperties", false);
        }
        o.path("properties").forEach(OpenApiContractTest::closeSchema);
        closeSchema(o.path("items"));
        for (String combinator : List.of("allOf", "anyOf", "oneOf")) {
            Iterator<JsonNode> it = o.path(combinator).elements();
            it.forEachRemaining(OpenApiContractTest::closeSchema);
        }
    }
}
