package org.hostctl.cli.config;

import java.util.Map;
import java.util.TreeMap;

/**
 * The contents of {@code config.json}.
 *
 * @param currentProfile profile used when none is named
 * @param profiles profiles by name
 */
public record Config(String currentProfile, Map<String, Profile> profiles) {
    /** Name of the profile used when none is set. */
    public static final String DEFAULT_PROFILE = "default";

    public Config {
        currentProfile = currentProfile == null ? DEFAULT_PROFILE : currentProfile;
        profiles = profiles == null ? new TreeMap<>() : new TreeMap<>(profiles);
    }

    public static Config empty() {
        return new Config(null, null);
    }

    public Config withProfile(String name, Profile profile) {
        Map<String, Profile> p = new TreeMap<>(profiles);
        if (profile == null) {
            p.remove(name);
        } else {
            p.put(name, profile);
        }
        return new Config(currentProfile, p);
    }
}
