package org.hostctl.cli.cmd.mail;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.hostctl.api.Mailbox;
import org.hostctl.api.MailboxCreate;
import org.hostctl.api.MailboxCreated;
import org.hostctl.api.PasswordChange;
import org.hostctl.cli.ExitCodes;
import org.hostctl.cli.HostctlException;
import org.hostctl.client.ApiException;
import org.hostctl.client.HostApi;
import org.hostctl.client.UnavailableException;

/**
 * Sends the rows of a {@code mailbox import} with a few requests in flight at once, so that the server hashes
 * passwords for several rows at the same time, and hands the outcomes back in line order. A failed row does not
 * stop the others; a 401, 403 or an unavailable server does, since every later row would fail the same way.
 */
final class MailboxImporter {
    /** How existing mailboxes are treated, and whether anything is written. */
    record Options(boolean update, boolean updatePasswords, boolean dryRun, int parallel) {}

    /**
     * The outcome of one row.
     *
     * @param result what happened, as printed
     * @param exitCode the exit code a failure of this row maps to, 0 when it did not fail
     * @param generatedPassword the password the server generated, never printed; null when none
     */
    record Outcome(ImportResult result, int exitCode, String generatedPassword) {
        @Override
        public String toString() {
            return "Outcome[" + result + "]";
        }
    }

    /** Why the import stopped early: the line whose request showed it, and the failure. */
    record Stop(int line, RuntimeException cause) {}

    /** What the dry run needs to know about the account, fetched once. */
    record Known(Set<String> domains, Set<String> aliases) {}

    private final HostApi api;
    private final Options options;
    private final Known known;
    private final AtomicReference<Stop> stop = new AtomicReference<>();

    /** {@code known} is needed for the dry run only. */
    MailboxImporter(HostApi api, Options options, Known known) {
        this.api = api;
        this.options = options;
        this.known = known;
    }

    /**
     * Imports {@code rows}; {@code completed} is called in line order on the calling thread as each row's outcome
     * becomes known (that is where generated passwords are saved), {@code progress} from the workers.
     */
    List<Outcome> run(List<ImportRow> rows, Runnable progress, BiConsumer<ImportRow, Outcome> completed) {
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(options.parallel(), r -> {
            Thread t = new Thread(r, "mailbox-import-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Outcome>> futures = new ArrayList<>(rows.size());
            for (ImportRow row : rows) {
                futures.add(pool.submit(() -> {
                    try {
                        return one(row);
                    } finally {
                        progress.run();
                    }
                }));
            }
            List<Outcome> outcomes = new ArrayList<>(rows.size());
            for (int i = 0; i < rows.size(); i++) {
                Outcome o = await(futures.get(i));
                completed.accept(rows.get(i), o);
                outcomes.add(o);
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Why the import stopped early, or null when every row was attempted. */
    Stop stopped() {
        return stop.get();
    }

    private static Outcome await(Future<Outcome> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostctlException(ExitCodes.UNEXPECTED, "interrupted");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r
                    : new HostctlException(ExitCodes.UNEXPECTED, "unexpected error: " + e.getCause());
        }
    }

    /** One row, never throwing: every failure becomes a failed outcome naming the row. */
    Outcome one(ImportRow row) {
        if (!row.valid()) {
            return failed(row, row.error(), ExitCodes.REJECTED);
        }
        Stop s = stop.get();
        if (s != null) {
            return new Outcome(new ImportResult(row.line(), row.address(), ImportResult.NOT_ATTEMPTED, null,
                    "not sent: the import stopped at line " + s.line()), 0, null);
        }
        try {
            return options.dryRun() ? plan(row) : send(row);
        } catch (ApiException e) {
            int code = ExitCodes.forStatus(e.status());
            if (code == ExitCodes.AUTH || code == ExitCodes.UNAVAILABLE) {
                stop.compareAndSet(null, new Stop(row.line(), e));
            }
            return failed(row, e.getMessage(), code);
        } catch (UnavailableException e) {
            stop.compareAndSet(null, new Stop(row.line(), e));
            return failed(row, e.getMessage(), ExitCodes.UNAVAILABLE);
        } catch (RuntimeException e) {
            return failed(row, "unexpected error: " + e, ExitCodes.UNEXPECTED);
        }
    }

    private Outcome send(ImportRow row) {
        boolean generate = row.password() == null;
        try {
            MailboxCreated c = api.createMailbox(new MailboxCreate(row.address(), row.password(), generate,
                    row.quotaBytes(), row.name()));
            return new Outcome(result(row, ImportResult.CREATED, null), 0, generate ? c.generatedPassword() : null);
        } catch (ApiException e) {
            if (e.status() != 409 || !"mailbox-exists".equals(e.code())) {
                throw e;
            }
        }
        if (!options.update()) {
            return new Outcome(result(row, ImportResult.SKIPPED, null), 0, null);
        }
        List<String> changes = changes(row, api.mailbox(row.address()));
        for (String change : changes) {
            switch (change) {
                case "quota" -> api.setQuota(row.address(), row.quotaBytes());
                case "name" -> api.setName(row.address(), row.name());
                case "password" -> api.setPassword(row.address(), new PasswordChange(row.password(), false));
                default -> throw new IllegalStateException(change);
            }
        }
        return new Outcome(result(row, changes.isEmpty() ? ImportResult.SKIPPED : ImportResult.UPDATED,
                changes.isEmpty() ? null : changes), 0, null);
    }

    private Outcome plan(ImportRow row) {
        String domain = row.address().substring(row.address().indexOf('@') + 1);
        if (!known.domains().contains(domain)) {
            return failed(row, "no domain " + domain, ExitCodes.NOT_FOUND);
        }
        Mailbox m;
        try {
            m = api.mailbox(row.address());
        } catch (ApiException e) {
            if (e.status() != 404) {
                throw e;
            }
            if (known.aliases().contains(row.address())) {
                return failed(row, row.address() + " is an alias; remove the alias first", ExitCodes.REJECTED);
            }
            return new Outcome(result(row, ImportResult.WOULD_CREATE, null), 0, null);
        }
        if (Mailbox.DELETED.equals(m.state())) {
            return failed(row, "mailbox " + m.address() + " was deleted on " + m.deletedAt()
                    + "; restore it or wait until it is purged", ExitCodes.REJECTED);
        }
        List<String> changes = options.update() ? changes(row, m) : List.of();
        return new Outcome(result(row, changes.isEmpty() ? ImportResult.WOULD_SKIP : ImportResult.WOULD_UPDATE,
                changes.isEmpty() ? null : changes), 0, null);
    }

    /** What {@code --update} changes on {@code m}: only what the row gives and the mailbox differs in. */
    private List<String> changes(ImportRow row, Mailbox m) {
        List<String> changes = new ArrayList<>();
        if (row.quotaBytes() != null && row.quotaBytes() != m.quotaBytes()) {
            changes.add("quota");
        }
        if (row.name() != null && !Objects.equals(row.name(), m.name())) {
            changes.add("name");
        }
        if (options.updatePasswords() && row.password() != null) {
            changes.add("password");
        }
        return List.copyOf(changes);
    }

    private static ImportResult result(ImportRow row, String result, List<String> changed) {
        return new ImportResult(row.line(), row.address(), result, changed, null);
    }

    private static Outcome failed(ImportRow row, String error, int exitCode) {
        return new Outcome(new ImportResult(row.line(), row.address(), ImportResult.FAILED, null, error), exitCode,
                null);
    }
}
