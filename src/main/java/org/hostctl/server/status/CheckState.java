package org.hostctl.server.status;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What hostd knows of one check now. Times are kept to the second, as the store keeps them: so they read the same
 * in the API, in every message that names them (a 503's "down since ...") and after a restart.
 *
 * @param id the check's id
 * @param state its state
 * @param since when it entered the state
 * @param detail what the last probe saw
 * @param checkedAt when the last probe ran; null before the first
 */
public record CheckState(String id, State state, Instant since, String detail, Instant checkedAt) {
    public CheckState {
        since = since == null ? null : since.truncatedTo(ChronoUnit.SECONDS);
        checkedAt = checkedAt == null ? null : checkedAt.truncatedTo(ChronoUnit.SECONDS);
    }
}
