package org.hostctl.cli.config;

import java.util.Map;

/**
 * The effective connection settings, by precedence: flag, then environment ({@code HOSTCTL_*}), then profile,
 * then default.
 *
 * @param profileName the profile in use
 * @param apiUrl API root URL
 * @param apiUrlSource where {@code apiUrl} came from ({@code flag}, {@code env}, {@code profile}, {@code default})
 * @param token bearer token, null when none
 * @param tokenSource where the token came from ({@code env}, {@code profile}), null when none
 */
public record Settings(String profileName, String apiUrl, String apiUrlSource, String token, String tokenSource) {
    /** API URL used when nothing else names one. */
    public static final String DEFAULT_API_URL = "http://127.0.0.1:8640";

    /** Resolves the settings from flags (may be null), environment and the stored configuration. */
    public static Settings resolve(String profileFlag, String apiUrlFlag, Map<String, String> env, Config config) {
        String profileName = firstNonBlank(profileFlag, env.get("HOSTCTL_PROFILE"), config.currentProfile());
        Profile profile = config.profiles().get(profileName);
        String url;
        String urlSource;
        if (notBlank(apiUrlFlag)) {
            url = apiUrlFlag;
            urlSource = "flag";
        } else if (notBlank(env.get("HOSTCTL_API_URL"))) {
            url = env.get("HOSTCTL_API_URL");
            urlSource = "env";
        } else if (profile != null && notBlank(profile.apiUrl())) {
            url = profile.apiUrl();
            urlSource = "profile";
        } else {
            url = DEFAULT_API_URL;
            urlSource = "default";
        }
        String token = null;
        String tokenSource = null;
        if (notBlank(env.get("HOSTCTL_TOKEN"))) {
            token = env.get("HOSTCTL_TOKEN").trim();
            tokenSource = "env";
        } else if (profile != null && notBlank(profile.token())) {
            token = profile.token();
            tokenSource = "profile";
        }
        return new Settings(profileName, stripSlash(url), urlSource, token, tokenSource);
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (notBlank(v)) {
                return v;
            }
        }
        return Config.DEFAULT_PROFILE;
    }
}
