package org.hostctl.cli;

/** Entry point of hostctl. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(0);
    }
}
