package org.hostctl.api;

import java.util.List;

/**
 * Body of a request to add destinations to an alias, or set them.
 *
 * @param destinations the destination addresses
 */
public record AliasChange(List<String> destinations) {}
