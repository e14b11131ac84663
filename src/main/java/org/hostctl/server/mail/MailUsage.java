package org.hostctl.server.mail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hostctl.api.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Mailbox usage: from Dovecot ({@code doveadm quota get}) when configured, else the maildir's size on disk. */
public final class MailUsage {
    private static final Logger LOG = LoggerFactory.getLogger(MailUsage.class);
    private static final long DOVEADM_TIMEOUT_SECONDS = 10;

    private final Path root;
    private final List<String> doveadm;

    /**
     * @param root the directory holding {@code <domain>/<local>} maildir homes
     * @param doveadm command prefix for doveadm, empty to read the disk
     */
    public MailUsage(Path root, List<String> doveadm) {
        this.root = root.toAbsolutePath().normalize();
        this.doveadm = List.copyOf(doveadm);
    }

    /** Usage in bytes, null when unknown, and where it came from. */
    public record Usage(Long bytes, String source) {}

    public Path root() {
        return root;
    }

    public Usage usage(String email, String maildir) {
        if (!doveadm.isEmpty()) {
            Long fromDovecot = doveadm(email);
            if (fromDovecot != null) {
                return new Usage(fromDovecot, "doveadm");
            }
        }
        return new Usage(diskUsage(home(maildir)), "maildir");
    }

    /** Removes a maildir home and everything in it, never following a symbolic link. */
    public void removeMaildir(String maildir) {
        Path home = home(maildir);
        if (!Files.exists(home, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(home, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (e != null) {
                        throw e;
                    }
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException("cannot remove " + home + ": " + e.getMessage(), e);
        }
    }

    private Path home(String maildir) {
        Path home = root.resolve(maildir).normalize();
        if (!home.startsWith(root) || home.equals(root)) {
            throw new IllegalArgumentException("maildir outside the mail root: " + maildir);
        }
        return home;
    }

    private static Long diskUsage(Path home) {
        long[] total = {0};
        try {
            Files.walkFileTree(home, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        total[0] += attrs.size();
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    return FileVisitResult.CONTINUE;
                }
            });
            return total[0];
        } catch (NoSuchFileException e) {
            return 0L;
        } catch (IOException e) {
            return null;
        }
    }

    private Long doveadm(String email) {
        List<String> cmd = new ArrayList<>(doveadm);
        cmd.addAll(List.of("-f", "json", "quota", "get", "-u", email));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readNBytes(64 * 1024);
            if (!p.waitFor(DOVEADM_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            if (p.exitValue() != 0) {
                return null;
            }
            for (JsonNode n : Json.mapper().readTree(new String(out, StandardCharsets.UTF_8))) {
                if ("STORAGE".equals(n.path("type").asText())) {
                    return n.path("value").asLong() * 1024;
                }
            }
            return null;
        } catch (IOException e) {
            LOG.warn("doveadm failed for {}: {}", email, e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
