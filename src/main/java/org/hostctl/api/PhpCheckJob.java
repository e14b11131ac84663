package org.hostctl.api;

/**
 * A check of PHP files running in hostd ({@code POST /v1/php/checks}), polled until it is done.
 *
 * @param id the job's id, for {@code GET /v1/php/checks/{id}}
 * @param state {@code running}, {@code done} or {@code failed}
 * @param files how many files the check reads
 * @param done how many of them are checked
 * @param report the result, once {@code done}
 * @param error one line, when {@code failed}
 */
public record PhpCheckJob(String id, String state, int files, int done, PhpCheckReport report, String error) {
    public static final String RUNNING = "running";
    public static final String DONE = "done";
    public static final String FAILED = "failed";
}
