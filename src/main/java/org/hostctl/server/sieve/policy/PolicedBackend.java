package org.hostctl.server.sieve.policy;

import java.util.List;
import org.hostctl.server.sieve.SieveBackend;

/**
 * A backend that checks every script against the {@link ScriptPolicy} before it validates, stores or activates it:
 * wrapped around each configured backend, so no route, present or future, stores a script past the policy, and a
 * script stored some other way (or before the policy changed) does not start running unchecked.
 */
public final class PolicedBackend implements SieveBackend {
    private final SieveBackend backend;
    private final ScriptPolicy policy;

    public PolicedBackend(SieveBackend backend, ScriptPolicy policy) {
        this.backend = backend;
        this.policy = policy;
    }

    @Override
    public String name() {
        return backend.name();
    }

    @Override
    public List<ScriptInfo> list(String user) {
        return backend.list(user);
    }

    @Override
    public String get(String user, String name) {
        return backend.get(user, name);
    }

    @Override
    public List<String> check(String user, String content) {
        policy.admit(user, content);
        return backend.check(user, content);
    }

    @Override
    public List<String> put(String user, String name, String content) {
        policy.admit(user, content);
        return backend.put(user, name, content);
    }

    @Override
    public void activate(String user, String name) {
        if (name != null) {
            policy.admit(user, backend.get(user, name));
        }
        backend.activate(user, name);
    }

    @Override
    public void rename(String user, String from, String to) {
        backend.rename(user, from, to);
    }

    @Override
    public void delete(String user, String name) {
        backend.delete(user, name);
    }
}
