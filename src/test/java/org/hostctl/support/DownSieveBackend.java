package org.hostctl.support;

import java.util.List;
import org.hostctl.server.sieve.SieveBackend;
import org.hostctl.server.sieve.SieveUnavailableException;

/** A ManageSieve backend stand-in whose server is down: every call is a {@link SieveUnavailableException}. */
public record DownSieveBackend(String name) implements SieveBackend {
    private SieveUnavailableException down() {
        return new SieveUnavailableException(name, "cannot connect to 127.0.0.1:1",
                new java.net.ConnectException("Connection refused"));
    }

    @Override
    public List<ScriptInfo> list(String user) {
        throw down();
    }

    @Override
    public String get(String user, String script) {
        throw down();
    }

    @Override
    public List<String> check(String user, String content) {
        throw down();
    }

    @Override
    public List<String> put(String user, String script, String content) {
        throw down();
    }

    @Override
    public void activate(String user, String script) {
        throw down();
    }

    @Override
    public void rename(String user, String from, String to) {
        throw down();
    }

    @Override
    public void delete(String user, String script) {
        throw down();
    }
}
