package org.hostctl.server.service;

/** Whether the mail backend holding a domain's mailboxes can take changes now. */
@FunctionalInterface
public interface MailGate {
    /** A gate that never refuses: no backend is watched. */
    MailGate OPEN = domain -> { };

    /**
     * Returns when changes to the domain's mailboxes may go ahead.
     *
     * @param domain canonical domain
     * @throws ServiceException {@code backend-unavailable} (503) naming the backend and since when it is down
     */
    void requireUp(String domain);
}
