package org.hostctl.cli.cmd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.Locale;
import java.util.Set;
import org.hostctl.api.Json;
import org.hostctl.cli.CliContext;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.HostctlException;
import org.hostctl.cli.output.Output;
import org.hostctl.client.HostApi.RawResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hostctl api}: a raw authenticated call. */
@Command(name = "api", sortOptions = false,
        description = "Make an authenticated API call and print the response body.",
        footer = {"",
            "The body is printed on stdout as it came (JSON pretty-printed), also for an error status; the exit code "
                    + "follows the status like every other command. --jq filters a JSON body. On a terminal, control "
                    + "characters show as escapes such as \\x1b.",
            "",
            "Examples:",
            "  hostctl api GET /v1/me",
            "  hostctl api GET '/v1/php/settings?path=public_html&recursive=true'",
            "  echo '{\"version\":\"8.3\"}' | \\",
            "      hostctl api PUT '/v1/php/settings?path=public_html' --input -"})
public final class ApiCommand extends BaseCommand {
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD");

    @Parameters(index = "0", paramLabel = "METHOD", description = "GET, POST, PUT, PATCH, DELETE or HEAD.")
    String method;

    @Parameters(index = "1", paramLabel = "PATH", description = "API path with query, e.g. /v1/me.")
    String path;

    @Option(names = "--input", paramLabel = "FILE", description = "Request body from FILE, or - for stdin.")
    String input;

    public ApiCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() throws IOException {
        String m = method.toUpperCase(Locale.ROOT);
        if (!METHODS.contains(m)) {
            throw HostctlException.usage("unknown method " + method + "; use one of GET, POST, PUT, PATCH, DELETE, HEAD");
        }
        if (!path.startsWith("/")) {
            throw HostctlException.usage("PATH must start with /, e.g. /v1/me");
        }
        byte[] body = readInput();
        RawResponse r;
        try {
            r = api().call(m, path, body);
        } catch (IllegalArgumentException e) {
            throw HostctlException.usage(e.getMessage());
        }
        print(r);
        if (r.status() >= 400) {
            String detail = org.hostctl.client.HttpHostApi.describe(r);
            throw new HostctlException(ExitCodes.forStatus(r.status()), detail);
        }
        return ExitCodes.OK;
    }

    private byte[] readInput() throws IOException {
        if (input == null) {
            return null;
        }
        if (input.equals("-")) {
            return context.stdin().readAllBytes();
        }
        try {
            return Files.readAllBytes(context.cwd().resolve(input));
        } catch (NoSuchFileException e) {
            throw HostctlException.usage("--input: no such file " + input);
        }
    }

    private void print(RawResponse r) throws IOException {
        if (r.body().length == 0) {
            return;
        }
        boolean json = r.contentType() != null && r.contentType().contains("json");
        if (json && (global().jq() != null || global().output() != org.hostctl.cli.output.Format.table)) {
            out().one(Json.mapper().readTree(r.body()), java.util.List.of());
        } else if (json) {
            out().out().println(Output.prettyJson(Json.mapper().readTree(r.body())));
            out().out().flush();
        } else {
            // another body as it came into a file or a pipe; on a terminal its controls are escaped
            out().document(new String(r.body(), StandardCharsets.UTF_8), !context.stdoutTerminal());
        }
    }

}
