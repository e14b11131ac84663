package org.hostctl.cli.sieverules;

import java.util.List;

/**
 * One action of a rule.
 *
 * @param action {@code fileinto}, {@code redirect}, {@code discard}, {@code keep}, {@code stop}, {@code addflag},
 *     {@code setflag}, {@code removeflag} or {@code reject}
 * @param folder the folder of fileinto
 * @param create fileinto creates the folder when it is missing ({@code :create}, RFC 5490)
 * @param copy fileinto and redirect keep the message where it would have gone too ({@code :copy})
 * @param address the address of redirect
 * @param flags the IMAP flags of addflag, setflag and removeflag (e.g. {@code \Seen})
 * @param reason the text of reject
 */
public record RuleAction(String action, String folder, Boolean create, Boolean copy, String address,
        List<String> flags, String reason) {
    public RuleAction {
        flags = flags == null ? null : List.copyOf(flags);
    }

    public static RuleAction simple(String action) {
        return new RuleAction(action, null, null, null, null, null, null);
    }

    public static RuleAction fileinto(String folder, boolean create, boolean copy) {
        return new RuleAction("fileinto", folder, create ? true : null, copy ? true : null, null, null, null);
    }

    public static RuleAction redirect(String address, boolean copy) {
        return new RuleAction("redirect", null, null, copy ? true : null, address, null, null);
    }

    public static RuleAction flags(String action, List<String> flags) {
        return new RuleAction(action, null, null, null, null, flags, null);
    }

    public static RuleAction reject(String reason) {
        return new RuleAction("reject", null, null, null, null, null, reason);
    }

    boolean creates() {
        return Boolean.TRUE.equals(create);
    }

    boolean copies() {
        return Boolean.TRUE.equals(copy);
    }
}
