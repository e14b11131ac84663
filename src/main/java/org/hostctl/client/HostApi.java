package org.hostctl.client;

import java.util.List;
import org.hostctl.api.Me;
import org.hostctl.api.PhpChange;
import org.hostctl.api.PhpSetRequest;
import org.hostctl.api.PhpSetting;
import org.hostctl.api.PhpVerification;
import org.hostctl.api.PhpVersion;

/** hostd's API, one method per endpoint. Errors are {@link ApiException} or {@link UnavailableException}. */
public interface HostApi {
    /** {@code GET /v1/me}. */
    Me me();

    /** {@code GET /v1/php/versions}. */
    List<PhpVersion> phpVersions();

    /** {@code GET /v1/php/settings}: the effective version of each path, with {@code recursive} also of every directory below with its own setting. */
    List<PhpSetting> phpSettings(List<String> paths, boolean recursive);

    /** {@code PUT /v1/php/settings}. */
    PhpChange phpSet(String path, PhpSetRequest request);

    /** {@code DELETE /v1/php/settings}. */
    PhpChange phpUnset(String path, boolean dryRun);

    /** {@code POST /v1/php/verify}. */
    PhpVerification phpVerify(String path);

    /** Any call, for {@code hostctl api}: the raw response. */
    RawResponse call(String method, String pathAndQuery, byte[] body);

    /** A raw response. */
    record RawResponse(int status, String contentType, byte[] body) {}
}
