package org.hostctl.server.admin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hostctl.api.Notice;
import org.hostctl.server.Hostd;
import org.hostctl.server.service.ServiceException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hostd notice}: what the provider tells customers about a service. */
@Command(name = "notice", description = {"Post and resolve notices customers see in 'hostctl status'.", "",
        "A notice for a mail backend reaches the accounts with a domain on it; one without --backend reaches every"
                + " account."})
public final class NoticeCommand {
    /** Largest body file read. */
    private static final int MAX_BODY_FILE = 64 * 1024;

    @ParentCommand
    HostdCommand root;

    @Spec
    CommandSpec spec;

    @Command(name = "add", description = "Post a notice; prints its number.",
            footer = {"", "Examples:",
                    "  hostd notice add --service mail --backend mx-a \\",
                    "      --title 'mx-a: disk failure, mail delayed' --body-file outage.txt",
                    "  echo 'Maintenance tonight 22:00-23:00 UTC.' |",
                    "      hostd notice add --service all --title 'Maintenance' --body-file -"})
    int add(@Option(names = "--service", required = true, paramLabel = "SERVICE",
                    description = "mail, web, sendlog or all") String service,
            @Option(names = "--backend", paramLabel = "NAME",
                    description = "the mail backend it concerns (with --service mail)") String backend,
            @Option(names = "--title", required = true, paramLabel = "TEXT", description = "one line") String title,
            @Option(names = "--body-file", required = true, paramLabel = "FILE",
                    description = "UTF-8 text of the notice; - for standard input") String bodyFile) {
        String body = read(bodyFile);
        try (Hostd hostd = root.open()) {
            Notice n = hostd.status().addNotice(service, backend, title, body);
            if (root.json()) {
                AdminOutput.json(spec.commandLine().getOut(), n);
            } else {
                spec.commandLine().getOut().println(n.id());
                spec.commandLine().getOut().flush();
                spec.commandLine().getErr().println("Posted notice " + n.id() + " for " + n.service()
                        + (n.backend() == null ? " (every account)" : " on " + n.backend()));
            }
        }
        return 0;
    }

    @Command(name = "update", description = "Replace a notice's title or text, e.g. with what is known now;"
            + " customers see when it was updated.",
            footer = {"", "Examples:", "  hostd notice update 3 --body-file update.txt",
                    "  hostd notice update 3 --title 'mx-a: restored, mail is catching up'"})
    int update(@Parameters(paramLabel = "ID") long id,
            @Option(names = "--title", paramLabel = "TEXT", description = "the new title, one line") String title,
            @Option(names = "--body-file", paramLabel = "FILE",
                    description = "the new UTF-8 text; - for standard input") String bodyFile) {
        String body = bodyFile == null ? null : read(bodyFile);
        try (Hostd hostd = root.open()) {
            Notice n = hostd.status().updateNotice(id, title, body);
            if (root.json()) {
                AdminOutput.json(spec.commandLine().getOut(), n);
            } else {
                spec.commandLine().getErr().println("Updated notice " + n.id()
                        + (n.updatedAt() == null ? "" : " at " + n.updatedAt()));
            }
        }
        return 0;
    }

    @Command(name = "resolve", description = "Resolve a notice: it leaves 'hostctl status' and stays in the"
            + " history. Resolving it again changes nothing.",
            footer = {"", "Examples:", "  hostd notice resolve 3"})
    int resolve(@Parameters(paramLabel = "ID") long id) {
        try (Hostd hostd = root.open()) {
            Notice n = hostd.status().resolveNotice(id);
            if (root.json()) {
                AdminOutput.json(spec.commandLine().getOut(), n);
            } else {
                spec.commandLine().getErr().println("Resolved notice " + n.id() + " at " + n.resolvedAt());
            }
        }
        return 0;
    }

    @Command(name = "list", description = "List open notices, newest first.",
            footer = {"", "Examples:", "  hostd notice list", "  hostd notice list --all -o json"})
    int list(@Option(names = "--all", description = "also those resolved within the kept history") boolean all) {
        try (Hostd hostd = root.open()) {
            List<Notice> notices = hostd.status().notices(all);
            if (root.json()) {
                AdminOutput.json(spec.commandLine().getOut(), notices);
            } else {
                AdminOutput.table(spec.commandLine().getOut(), notices,
                        List.of("ID", "SERVICE", "BACKEND", "CREATED", "RESOLVED", "TITLE"),
                        n -> Long.toString(n.id()), Notice::service, n -> n.backend() == null ? "-" : n.backend(),
                        n -> n.createdAt().toString(), n -> n.resolvedAt() == null ? "open" : n.resolvedAt().toString(),
                        Notice::title);
            }
        }
        return 0;
    }

    private String read(String file) {
        byte[] bytes;
        try {
            if ("-".equals(file)) {
                InputStream in = System.in;
                bytes = in.readNBytes(MAX_BODY_FILE + 1);
            } else {
                Path p = Path.of(file);
                if (!Files.isRegularFile(p)) {
                    throw ServiceException.invalid("--body-file " + file + " is not a readable file");
                }
                try (InputStream in = Files.newInputStream(p)) {
                    bytes = in.readNBytes(MAX_BODY_FILE + 1);
                }
            }
        } catch (IOException e) {
            throw ServiceException.invalid("cannot read --body-file " + file + ": " + e.getMessage());
        }
        if (bytes.length > MAX_BODY_FILE) {
            throw ServiceException.invalid("--body-file " + file + " is larger than " + MAX_BODY_FILE + " bytes");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw ServiceException.invalid("--body-file " + file + " is not UTF-8 text");
        }
    }
}
