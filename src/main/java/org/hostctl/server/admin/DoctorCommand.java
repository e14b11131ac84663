package org.hostctl.server.admin;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.hostctl.server.doctor.Doctor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hostd doctor}. */
@Command(name = "doctor", sortOptions = false,
        description = "Check the set-up around hostd and say what to fix: the data directory's modes, each PHP"
                + " handler of hostd.yaml (there, and answering with its version at a document root), Dovecot (sieve"
                + " at LMTP, the LMTP listener, a userdb lookup), Postfix (hostd's maps, LMTP to Dovecot) and the"
                + " send log file.",
        footer = {"", "Exit 0 when every check passed or was skipped (each skip says what it needs), 6 when one"
                + " failed. --php-docroot writes a subdirectory .hostd-doctor-* with a .htaccess and a probe per"
                + " version and removes it again.", "",
            "Examples:",
            "  hostd doctor --data /var/lib/hostd",
            "  hostd doctor --php-docroot /srv/www/t/public_html=http://t.example/ \\",
            "      --mailbox test@example.com",
            "  hostd doctor --dovecot-config /etc/dovecot/dovecot.conf \\",
            "      --postfix-config /etc/postfix -o json"})
public final class DoctorCommand implements Callable<Integer> {
    @ParentCommand
    HostdCommand root;

    @Spec
    CommandSpec spec;

    @Option(names = "--php-docroot", paramLabel = "DIR=URL",
            description = "A directory Apache serves at URL, where each PHP version is tried.")
    String phpDocroot;

    @Option(names = "--mailbox", paramLabel = "ADDRESS",
            description = "An active mailbox that Dovecot's userdb and Postfix's maps must find.")
    String mailbox;

    @Option(names = "--dovecot-config", paramLabel = "FILE",
            description = "Dovecot's configuration (default: Dovecot's own, /etc/dovecot/dovecot.conf).")
    Path dovecotConfig;

    @Option(names = "--postfix-config", paramLabel = "DIR",
            description = "Postfix's configuration directory (default: Postfix's own, /etc/postfix).")
    Path postfixConfig;

    @Override
    public Integer call() {
        Path dir = null;
        URI url = null;
        if (phpDocroot != null) {
            int eq = phpDocroot.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--php-docroot must be DIR=URL, e.g."
                        + " /srv/www/test/public_html=http://test.example/");
            }
            dir = Path.of(phpDocroot.substring(0, eq)).toAbsolutePath();
            url = URI.create(phpDocroot.substring(eq + 1));
            if (!java.nio.file.Files.isDirectory(dir) || url.getHost() == null
                    || !List.of("http", "https").contains(url.getScheme())) {
                throw new IllegalArgumentException("--php-docroot: " + dir + " must be a directory and " + url
                        + " an http(s) URL");
            }
        }
        if (mailbox != null && !mailbox.matches("[^@\\s]+@[^@\\s]+")) {
            throw new IllegalArgumentException("--mailbox must be an address: " + mailbox);
        }
        List<Doctor.Finding> findings = new Doctor(root.dataDir(), new Doctor.Options(dir, url, mailbox,
                dovecotConfig, postfixConfig, Duration.ofSeconds(10))).run();
        if (root.json()) {
            AdminOutput.json(spec.commandLine().getOut(), findings);
        } else {
            AdminOutput.table(spec.commandLine().getOut(), findings, List.of("CHECK", "RESULT", "DETAIL"),
                    Doctor.Finding::check, Doctor.Finding::result, Doctor.Finding::detail);
        }
        return findings.stream().anyMatch(Doctor.Finding::failed) ? 6 : 0;
    }
}
