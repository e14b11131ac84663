package org.hostctl.api;

/**
 * What a probe script fetched over HTTP reported about the PHP that ran it.
 *
 * @param path the directory probed
 * @param url the probe URL (its random name is no longer valid)
 * @param expectedVersion the version hostd resolves for the directory
 * @param expectedHandler the handler hostd resolves for the directory
 * @param httpStatus HTTP status of the probe request
 * @param phpVersion {@code PHP_VERSION} reported by the probe, null when PHP did not run
 * @param sapi {@code php_sapi_name()} reported by the probe
 * @param handler handler name the server exposes to PHP as {@code HOSTD_PHP_HANDLER}, when it does
 * @param matches whether what ran is what hostd expects
 * @param detail a one-line explanation
 */
public record PhpVerification(String path, String url, String expectedVersion, String expectedHandler, int httpStatus,
        String phpVersion, String sapi, String handler, boolean matches, String detail) {}
