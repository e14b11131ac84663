package org.hostctl.server.service;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.hostctl.server.store.AccountRepository;
import org.hostctl.server.store.UnixUserRepository;
import org.hostctl.server.store.UnixUserRow;

/**
 * Unix users mapped to accounts: who a process connecting to hostd's local socket acts for. The Unix user comes
 * from the kernel (the socket's peer credentials), never from the request.
 */
public final class UnixUserService {
    /** Debian's default NAME_REGEX for user names, at most 32 characters. */
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_-]{0,30}[a-z0-9_$-]?");

    /** The superuser is no hosting account; a socket request from it is refused like an unmapped user's. */
    public static final String ROOT = "root";

    /** Problem code of a socket caller with no account. */
    public static final String NO_ACCOUNT = "no-unix-account";

    private final UnixUserRepository users;
    private final AccountRepository accounts;

    public UnixUserService(UnixUserRepository users, AccountRepository accounts) {
        this.users = users;
        this.accounts = accounts;
    }

    /** The principal of a socket connection made by {@code unixUser}; refused when no account maps it. */
    public Principal authenticate(String unixUser) {
        if (ROOT.equals(unixUser)) {
            throw new ServiceException(ServiceException.Kind.UNAUTHENTICATED, NO_ACCOUNT, "root is not a hosting account; on"
                    + " the local socket hostd acts for the account mapped to the calling Unix user");
        }
        UnixUserRow row = users.find(unixUser).orElseThrow(() -> new ServiceException(
                ServiceException.Kind.UNAUTHENTICATED, NO_ACCOUNT, "no hosting account for Unix user " + unixUser));
        return Principal.ofUnixUser(row.account(), row.name(), row.readOnly());
    }

    /** Maps {@code unixUser} to {@code account} (replacing the account's previous Unix user). */
    public UnixUserRow map(String account, String unixUser, boolean readOnly) {
        checkName(unixUser);
        if (accounts.find(account).isEmpty()) {
            throw ServiceException.notFound("no account " + account);
        }
        Optional<UnixUserRow> taken = users.find(unixUser);
        if (taken.isPresent() && !taken.get().account().equals(account)) {
            throw taken(unixUser, taken.get().account());
        }
        return users.put(account, unixUser, readOnly);
    }

    /** Refuses a malformed name, root, and a Unix user already mapped to an account. */
    public void check(String unixUser) {
        checkName(unixUser);
        Optional<UnixUserRow> taken = users.find(unixUser);
        if (taken.isPresent()) {
            throw taken(unixUser, taken.get().account());
        }
    }

    private static void checkName(String unixUser) {
        if (unixUser == null || !NAME.matcher(unixUser).matches()) {
            throw ServiceException.invalid("Unix user name must be 1-32 of a-z, 0-9, '_', '-', starting with a"
                    + " letter or '_': " + unixUser);
        }
        if (ROOT.equals(unixUser)) {
            throw ServiceException.invalid("root cannot be mapped to an account");
        }
    }

    private static ServiceException taken(String unixUser, String account) {
        return new ServiceException(ServiceException.Kind.CONFLICT, "Unix user " + unixUser
                + " is already mapped to account " + account);
    }

    /** Removes the account's Unix user; the socket then refuses that user. */
    public void unmap(String account) {
        if (accounts.find(account).isEmpty()) {
            throw ServiceException.notFound("no account " + account);
        }
        users.removeForAccount(account);
    }

    public Optional<UnixUserRow> forAccount(String account) {
        return users.forAccount(account);
    }

    public List<UnixUserRow> list() {
        return users.list();
    }
}
