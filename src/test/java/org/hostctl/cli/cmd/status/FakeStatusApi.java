package org.hostctl.cli.cmd.status;

import java.lang.reflect.Proxy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.hostctl.api.StatusHistory;
import org.hostctl.api.StatusReport;
import org.hostctl.client.HostApi;

/**
 * A {@link HostApi} that answers {@code status()} with prepared reports (or failures), one per call, and
 * {@code statusHistory()} with a prepared history; any other call fails the test.
 */
final class FakeStatusApi {
    private final Deque<Object> answers = new ArrayDeque<>();
    private StatusHistory history;
    final List<Integer> historyDays = new ArrayList<>();
    int statusCalls;

    /** The next {@code status()} answers: {@link StatusReport}s, or {@link RuntimeException}s thrown. */
    FakeStatusApi answers(Object... reportsOrFailures) {
        answers.addAll(List.of(reportsOrFailures));
        return this;
    }

    FakeStatusApi history(StatusHistory h) {
        this.history = h;
        return this;
    }

    /** Whether every prepared answer was used. */
    boolean allUsed() {
        return answers.isEmpty();
    }

    HostApi api() {
        return (HostApi) Proxy.newProxyInstance(HostApi.class.getClassLoader(), new Class<?>[] {HostApi.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "status" -> {
                        statusCalls++;
                        Object next = answers.poll();
                        if (next == null) {
                            throw new AssertionError("status() called more often than prepared");
                        }
                        if (next instanceof RuntimeException e) {
                            throw e;
                        }
                        yield next;
                    }
                    case "statusHistory" -> {
                        historyDays.add((Integer) args[0]);
                        if (history == null) {
                            throw new AssertionError("statusHistory() not prepared");
                        }
                        yield history;
                    }
                    case "toString" -> "FakeStatusApi";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new AssertionError("unexpected call " + method.getName());
                });
    }
}
