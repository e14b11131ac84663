package org.hostctl.server.service;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.hostctl.api.Addresses;
import org.hostctl.api.Problem;
import org.hostctl.api.SieveCheck;
import org.hostctl.api.SieveCheckResult;
import org.hostctl.api.SievePut;
import org.hostctl.api.SieveRename;
import org.hostctl.api.SieveScript;
import org.hostctl.api.SieveTestRequest;
import org.hostctl.api.SieveTestResult;
import org.hostctl.server.config.HostdConfig;
import org.hostctl.server.sieve.MaildirFolders;
import org.hostctl.server.sieve.SieveBackend;
import org.hostctl.server.sieve.SieveBackends;
import org.hostctl.server.sieve.SieveCompileException;
import org.hostctl.server.sieve.SieveException;
import org.hostctl.server.sieve.SieveTools;
import org.hostctl.server.sieve.policy.FolderNames;
import org.hostctl.server.sieve.policy.ScriptPolicy;
import org.hostctl.server.sieve.policy.SievePolicyException;
import org.hostctl.server.store.MailboxRow;
import org.hostctl.server.text.TenantText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Sieve scripts of a customer's mailboxes, on the backend that serves the mailbox's domain, under the provider's
 * policy: script names, size, number of scripts, redirect targets and the vacation period. A mailbox of another
 * account is answered like a missing one. Scripts are checked before anything is stored.
 */
public final class SieveService {
    private static final Logger LOG = LoggerFactory.getLogger(SieveService.class);
    /** Longest script name, in characters (RFC 5804 servers allow at least 128). */
    public static final int MAX_NAME = 128;
    private static final String CONTENT = "/content";

    private final MailboxService mailboxes;
    private final SieveBackends backends;
    private final SieveTools tools;
    private final HostdConfig.SievePolicy policy;
    private final MaildirFolders folders;

    /**
     * @param backends the backends, each checking the provider's {@link ScriptPolicy} before it validates or
     *     stores a script
     * @param folders the mailboxes' folders, for warnings about {@code fileinto} into a missing one
     */
    public SieveService(MailboxService mailboxes, SieveBackends backends, SieveTools tools,
            HostdConfig.SievePolicy policy, MaildirFolders folders) {
        this.mailboxes = mailboxes;
        this.backends = backends;
        this.tools = tools;
        this.policy = policy;
        this.folders = folders;
    }

    /** The mailbox's scripts without their text. */
    public List<SieveScript> list(Principal p, String address) {
        MailboxRow m = mailboxes.own(p, address);
        SieveBackend b = backend(m);
        return call(() -> b.list(m.email())).stream()
                .map(s -> new SieveScript(s.name(), s.active(), null, null)).toList();
    }

    /** One script with its text. */
    public SieveScript get(Principal p, String address, String name) {
        MailboxRow m = mailboxes.own(p, address);
        String n = checkName(name, "the script name");
        SieveBackend b = backend(m);
        String content = call(() -> b.get(m.email(), n));
        return new SieveScript(n, isActive(b, m, n), content, null);
    }

    /** Validates a script without storing it. */
    public SieveCheckResult check(Principal p, String address, SieveCheck req) {
        MailboxRow m = mailboxes.live(p, address);
        String content = checkSize(req.content());
        SieveBackend b = backend(m);
        List<String> warnings = new ArrayList<>(call(() -> b.check(m.email(), content)));
        warnings.addAll(folderWarnings(m, content));
        return new SieveCheckResult(true, List.copyOf(warnings));
    }

    /**
     * Stores a script (replacing one of the same name) after it validated, and makes it active when asked to.
     * A script that does not compile is refused and nothing changes.
     */
    public SieveScript put(Principal p, String address, String name, SievePut req) {
        MailboxRow m = mailboxes.live(p, address);
        String n = checkName(name, "the script name");
        String content = checkSize(req.content());
        SieveBackend b = backend(m);
        List<SieveBackend.ScriptInfo> existing = call(() -> b.list(m.email()));
        boolean replaces = existing.stream().anyMatch(s -> s.name().equals(n));
        if (!replaces && existing.size() >= policy.maxScripts()) {
            throw new ServiceException(ServiceException.Kind.POLICY, "too-many-scripts", m.email() + " has "
                    + existing.size() + " scripts, the most allowed is " + policy.maxScripts()
                    + "; delete one or replace an existing script");
        }
        Set<String> warnings = new LinkedHashSet<>(call(() -> b.check(m.email(), content)));
        warnings.addAll(call(() -> b.put(m.email(), n, content)));
        warnings.addAll(folderWarnings(m, content));
        if (req.activate()) {
            call(() -> {
                b.activate(m.email(), n);
                return null;
            });
        }
        LOG.info("account {} stored Sieve script {} of {}{}", p.account(), logName(n), m.email(),
                req.activate() ? " (active)" : "");
        return new SieveScript(n, req.activate() || isActive(b, m, n), null, List.copyOf(warnings));
    }

    /** Makes a script the active one. */
    public SieveScript activate(Principal p, String address, String name) {
        MailboxRow m = mailboxes.live(p, address);
        String n = checkName(name, "the script name");
        SieveBackend b = backend(m);
        call(() -> {
            b.activate(m.email(), n);
            return null;
        });
        LOG.info("account {} activated Sieve script {} of {}", p.account(), logName(n), m.email());
        return new SieveScript(n, true, null, null);
    }

    /** Leaves the mailbox without an active script; idempotent. */
    public void deactivate(Principal p, String address) {
        MailboxRow m = mailboxes.live(p, address);
        SieveBackend b = backend(m);
        call(() -> {
            b.activate(m.email(), null);
            return null;
        });
    }

    /** Renames a script; an active script stays active. */
    public SieveScript rename(Principal p, String address, String name, SieveRename req) {
        MailboxRow m = mailboxes.live(p, address);
        String from = checkName(name, "the script name");
        String to = checkName(req.newName(), "newName");
        SieveBackend b = backend(m);
        if (!from.equals(to)) {
            call(() -> {
                b.rename(m.email(), from, to);
                return null;
            });
        } else {
            call(() -> b.get(m.email(), from));
        }
        return new SieveScript(to, isActive(b, m, to), null, null);
    }

    /** Deletes a script; the active one only with {@code deactivate}, which first leaves no script active. */
    public void delete(Principal p, String address, String name, boolean deactivate) {
        MailboxRow m = mailboxes.live(p, address);
        String n = checkName(name, "the script name");
        SieveBackend b = backend(m);
        if (deactivate && isActive(b, m, n)) {
            call(() -> {
                b.activate(m.email(), null);
                return null;
            });
        }
        try {
            call(() -> {
                b.delete(m.email(), n);
                return null;
            });
        } catch (ServiceException e) {
            if ("sieve-active".equals(e.code())) {
                throw new ServiceException(ServiceException.Kind.CONFLICT, "sieve-active", "script " + n
                        + " is the active script of " + m.email() + "; deactivate it first or delete with"
                        + " deactivate=true");
            }
            throw e;
        }
        LOG.info("account {} deleted Sieve script {} of {}", p.account(), logName(n), m.email());
    }

    /**
     * Runs a script (given, or stored) against a message with sieve-test and reports what it would do. Nothing is
     * delivered, sent or stored.
     */
    public SieveTestResult test(Principal p, String address, SieveTestRequest req) {
        MailboxRow m = mailboxes.live(p, address);
        if ((req.content() == null) == (req.scriptName() == null)) {
            throw ServiceException.invalid("give either content or scriptName");
        }
        String content;
        if (req.content() != null) {
            content = checkSize(req.content());
        } else {
            String n = checkName(req.scriptName(), "scriptName");
            SieveBackend b = backend(m);
            content = call(() -> b.get(m.email(), n));
        }
        if (req.message() == null || req.message().isEmpty()) {
            throw ServiceException.invalid("give the message to test with, as RFC 5322 text");
        }
        byte[] message = req.message().getBytes(StandardCharsets.UTF_8);
        if (message.length > policy.maxTestMessageBytes()) {
            throw new ServiceException(ServiceException.Kind.TOO_LARGE, "message-too-large", "the message has "
                    + message.length + " bytes, the most a test takes is " + policy.maxTestMessageBytes());
        }
        String from = null;
        if (req.envelopeFrom() != null && !req.envelopeFrom().isEmpty()) {
            try {
                from = Addresses.any(req.envelopeFrom()).toString();
            } catch (IllegalArgumentException e) {
                throw ServiceException.invalid("envelopeFrom: " + e.getMessage());
            }
        }
        if (!tools.canTest()) {
            throw new ServiceException(ServiceException.Kind.UNAVAILABLE, "sieve-test-missing",
                    "scripts cannot be tested on this server: sieve-test is not installed");
        }
        String envelopeFrom = from;
        SieveTools.TestOutcome r = call(() -> tools.test(content, message, m.email(), envelopeFrom));
        return new SieveTestResult(r.actions(), r.implicitKeep(), folderWarnings(m, content));
    }

    // ---- policy

    /** A script name per RFC 5804 plus the {@code /} ban: 1-128 characters, no control or line separators. */
    static String checkName(String name, String what) {
        if (name == null || name.isEmpty()) {
            throw invalidName(what + " is empty");
        }
        int count = name.codePointCount(0, name.length());
        if (count > MAX_NAME) {
            throw invalidName(what + " has " + count + " characters, the most is " + MAX_NAME);
        }
        String refused = TenantText.refused(name, false);
        if (refused != null) {
            throw invalidName(what + " must not contain " + refused);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/') {
                throw invalidName(what + " contains '/'");
            }
            if (c == 0xfffd || (Character.isSurrogate(c) && !validPair(name, i))) {
                throw invalidName(what + " is not valid UTF-8");
            }
            if (Character.isHighSurrogate(c)) {
                i++;
            }
        }
        return name;
    }

    private static boolean validPair(String s, int i) {
        return Character.isHighSurrogate(s.charAt(i)) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }

    private static ServiceException invalidName(String message) {
        return new ServiceException(ServiceException.Kind.INVALID, "invalid-script-name", message);
    }

    /**
     * The size limit. The policy on what a script may do ({@link ScriptPolicy}) is checked by the backend itself
     * before it validates or stores anything, so every way a script enters hostd passes it.
     */
    private String checkSize(String content) {
        if (content == null || content.isEmpty()) {
            throw new ServiceException(ServiceException.Kind.INVALID, "invalid-input", "the script is empty", null,
                    List.of(new Problem.FieldError("the script is empty", CONTENT)));
        }
        int bytes = content.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > policy.maxScriptBytes()) {
            throw new ServiceException(ServiceException.Kind.TOO_LARGE, "script-too-large", "the script has "
                    + bytes + " bytes, the most allowed is " + policy.maxScriptBytes());
        }
        return content;
    }

    /**
     * Warnings for literal {@code fileinto} folders without {@code :create} that the mailbox does not have: delivery
     * would then fail and keep the mail in INBOX. Nothing is said when hostd cannot see the mailbox's maildir.
     */
    private List<String> folderWarnings(MailboxRow m, String content) {
        List<String> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (FolderNames.Target t : FolderNames.literalTargets(content)) {
            if (t.create() || !seen.add(t.folder())) {
                continue;
            }
            if (folders.has(m.email(), t.folder()).orElse(true)) {
                continue;
            }
            out.add("line " + t.line() + ": warning: fileinto folder " + printable(t.folder()) + " does not exist in "
                    + m.email() + "; the mail would stay in INBOX. Create the folder, or write fileinto :create"
                    + " (with require \"mailbox\")");
        }
        return out;
    }

    private static String printable(String s) {
        String t = s.replaceAll("[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029]", "?");
        return "'" + (t.length() > 100 ? t.substring(0, 100) + "..." : t) + "'";
    }

    private static String logName(String name) {
        return printable(name);
    }

    // ---- backend calls

    private static <T> T policyRefusal(SievePolicyException e) {
        throw new ServiceException(ServiceException.Kind.POLICY, e.code(), e.getMessage(), null,
                List.of(new Problem.FieldError(e.getMessage(), CONTENT)));
    }

    private SieveBackend backend(MailboxRow m) {
        return backends.forDomain(m.domain());
    }

    private boolean isActive(SieveBackend b, MailboxRow m, String name) {
        return call(() -> b.list(m.email())).stream().anyMatch(s -> s.active() && s.name().equals(name));
    }

    /** Runs a backend call, turning its refusals into service problems; an unavailable backend passes through. */
    private static <T> T call(Supplier<T> op) {
        try {
            return op.get();
        } catch (SievePolicyException e) {
            return policyRefusal(e);
        } catch (SieveCompileException e) {
            List<Problem.FieldError> errors = new ArrayList<>();
            for (String err : e.errors()) {
                errors.add(new Problem.FieldError(err, CONTENT));
            }
            throw new ServiceException(ServiceException.Kind.INVALID, "sieve-compile", "the script does not compile: "
                    + e.getMessage(), e, errors);
        } catch (SieveException e) {
            throw switch (e.code()) {
                case NONEXISTENT -> new ServiceException(ServiceException.Kind.NOT_FOUND, "no-such-script",
                        e.getMessage(), e);
                case ACTIVE -> new ServiceException(ServiceException.Kind.CONFLICT, "sieve-active", e.getMessage(), e);
                case ALREADYEXISTS -> new ServiceException(ServiceException.Kind.CONFLICT, "script-exists",
                        e.getMessage(), e);
                case QUOTA -> new ServiceException(ServiceException.Kind.POLICY, "sieve-quota", e.getMessage(), e);
                case TRYLATER -> new ServiceException(ServiceException.Kind.UNAVAILABLE, "backend-busy",
                        e.getMessage(), e);
                case INVALID_NAME -> new ServiceException(ServiceException.Kind.INVALID, "invalid-script-name",
                        e.getMessage(), e);
                case REFUSED -> new ServiceException(ServiceException.Kind.INVALID, "sieve-refused", e.getMessage(),
                        e);
            };
        }
    }
}
