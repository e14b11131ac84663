package org.hostctl.cli.docs;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.hostctl.cli.Cli;
import org.hostctl.cli.CliContext;
import org.hostctl.cli.Version;
import org.hostctl.cli.cmd.CompletionCommand;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Generates {@code man/*.1} and {@code completions/} from hostctl's command tree.
 *
 * <pre>mvn -q -B test-compile exec:java@gendocs</pre>
 * rewrites them in the project directory (or {@code GenerateDocs DIR}); {@code DocsDriftTest} fails when
 * the committed files differ. Test code: the generator is not part of hostctl's runtime class path.
 */
public final class GenerateDocs {
    /** How to regenerate, for messages. */
    public static final String COMMAND = "mvn -q -B test-compile exec:java@gendocs";

    private GenerateDocs() {}

    /** Every generated file, by its path relative to the project directory ({@code man/hostctl.1}). */
    public static Map<String, String> generate() {
        CliContext context = new CliContext(Map.of(), Path.of("/"), new ByteArrayInputStream(new byte[0]), false,
                prompt -> null, prompt -> null, (url, token, trace) -> {
                    throw new IllegalStateException("no API while generating docs");
                });
        CommandLine root = Cli.build(context, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        Map<String, String> files = new TreeMap<>();
        ManPage page = new ManPage(root.getCommandSpec(), "hostctl " + Version.get());
        for (CommandSpec spec : commands(root.getCommandSpec())) {
            files.put("man/" + ManPage.fileName(spec), page.render(spec));
        }
        files.put("completions/hostctl.bash", CompletionCommand.script(root, CompletionCommand.Shell.bash));
        files.put("completions/hostctl.zsh", CompletionCommand.script(root, CompletionCommand.Shell.zsh));
        return files;
    }

    /** The files under {@code project} that generation owns: {@code man/*.1} and everything in completions/. */
    public static List<String> existing(Path project) throws IOException {
        List<String> found = new ArrayList<>();
        Path man = project.resolve("man");
        if (Files.isDirectory(man)) {
            try (Stream<Path> s = Files.list(man)) {
                s.filter(p -> p.getFileName().toString().endsWith(".1"))
                        .forEach(p -> found.add("man/" + p.getFileName()));
            }
        }
        Path completions = project.resolve("completions");
        if (Files.isDirectory(completions)) {
            try (Stream<Path> s = Files.list(completions)) {
                s.filter(Files::isRegularFile).forEach(p -> found.add("completions/" + p.getFileName()));
            }
        }
        found.sort(null);
        return found;
    }

    /** The root and every command below it, depth first. */
    public static List<CommandSpec> commands(CommandSpec spec) {
        List<CommandSpec> all = new ArrayList<>();
        all.add(spec);
        for (CommandLine sub : new java.util.LinkedHashSet<>(spec.subcommands().values())) {
            all.addAll(commands(sub.getCommandSpec()));
        }
        return all;
    }

    /** Writes the generated files into {@code args[0]} (default: the working directory), removing stale ones. */
    public static void main(String[] args) throws IOException {
        Path project = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        Map<String, String> files = generate();
        for (String stale : existing(project)) {
            if (!files.containsKey(stale)) {
                Files.delete(project.resolve(stale));
                System.out.println("removed " + stale);
            }
        }
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path target = project.resolve(f.getKey());
            Files.createDirectories(target.getParent());
            byte[] bytes = f.getValue().getBytes(StandardCharsets.UTF_8);
            if (!Files.exists(target) || !java.util.Arrays.equals(Files.readAllBytes(target), bytes)) {
                Files.write(target, bytes);
                System.out.println("wrote " + f.getKey());
            }
        }
    }
}
