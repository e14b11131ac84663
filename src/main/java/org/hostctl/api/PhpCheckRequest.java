package org.hostctl.api;

import java.util.List;

/**
 * Body of a request to check PHP files against a version.
 *
 * @param version an offered version ({@code GET /v1/php/versions}) or a PHP branch such as {@code 8.2}
 * @param paths directories relative to the webspace root
 * @param recursive also the subdirectories that would inherit a switch of these directories
 */
public record PhpCheckRequest(String version, List<String> paths, boolean recursive) {}
