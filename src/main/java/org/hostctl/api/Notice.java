package org.hostctl.api;

import java.time.Instant;

/**
 * What the provider says about a service: an outage, maintenance, a fix.
 *
 * @param id number of the notice
 * @param service service it concerns: {@code mail}, {@code web}, {@code sendlog} or {@code all}
 * @param backend the mail backend it concerns; null for a notice to every account using the service
 * @param title one line
 * @param body the text, possibly several paragraphs
 * @param createdAt when it was posted
 * @param updatedAt when its title or text last changed; null when never
 * @param resolvedAt when the provider resolved it; null while open
 */
public record Notice(long id, String service, String backend, String title, String body, Instant createdAt,
        Instant updatedAt, Instant resolvedAt) {}
