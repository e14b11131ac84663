package org.hostctl.api;

import java.util.List;

/**
 * What a check of PHP files against a version found.
 *
 * @param version the version asked for
 * @param branch its PHP branch
 * @param syntaxChecked whether the branch's own PHP judged the syntax of every file
 * @param tokenizer the PHP that tokenized the files (and, when {@code syntaxChecked}, parsed them), e.g. {@code 8.2}
 * @param notes remarks on the check itself, such as a skipped syntax check; empty when none
 * @param files how many files were checked
 * @param breaking findings at level {@code breaks}
 * @param warnings findings at level {@code warning}
 * @param guarded findings at level {@code guarded}
 * @param findings the findings, by file and line
 * @param skipped files and directories not checked, with the reason
 */
public record PhpCheckReport(String version, String branch, boolean syntaxChecked, String tokenizer,
        List<String> notes, int files, int breaking, int warnings, int guarded, List<PhpFinding> findings,
        List<Skipped> skipped) {
    /** A path that was not checked. */
    public record Skipped(String path, String reason) {}

    /** One line: how many files, and what was found. */
    public String summary() {
        return files + (files == 1 ? " file" : " files") + " checked for PHP " + branch + ": " + breaking
                + " breaking, " + warnings + (warnings == 1 ? " warning" : " warnings") + ", " + guarded
                + " guarded" + (skipped.isEmpty() ? "" : ", " + skipped.size() + " skipped")
                + (syntaxChecked || files == 0 ? "" : " (syntax not checked: PHP " + branch + " is not installed)");
    }
}
