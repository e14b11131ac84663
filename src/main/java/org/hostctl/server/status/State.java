package org.hostctl.server.status;

import java.util.Locale;

/** A service's health, from best to worst; {@link #UNKNOWN} until the first probe. */
public enum State {
    OK, UNKNOWN, DEGRADED, DOWN;

    /** The name on the wire and in the store: {@code ok}, {@code unknown}, {@code degraded}, {@code down}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static State of(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }

    /** The worse of two states. */
    public State worse(State other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
