package org.hostctl.server.php.check;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import org.hostctl.api.PhpFinding;
import org.hostctl.server.php.check.PhpScanner.FileScan;

/**
 * Checks PHP sources against a target branch: batches of files go to {@link PhpScanner} processes running side
 * by side (one per core); the target's own binary parses when installed, otherwise the newest installed PHP only
 * tokenizes and the result says the syntax was not checked.
 */
public final class CompatChecker {
    /** One file to check: its path for the report and its content. */
    public record Source(String path, byte[] content) {}

    /**
     * The outcome.
     *
     * @param syntaxBinary the target's binary that parsed every file, empty when the target is not installed
     * @param tokenizer the branch of the PHP that tokenized the files
     */
    public record Result(PhpBranch target, Optional<Path> syntaxBinary, PhpBranch tokenizer, int files,
            List<PhpFinding> findings) {}

    private static final int BATCH_FILES = 400;
    private static final long BATCH_BYTES = 8L << 20;

    private final PhpBinaries binaries;
    private final PhpScanner scanner;
    private final RemovalRules rules;
    private final int parallelism;

    public CompatChecker(PhpBinaries binaries, PhpScanner scanner, RemovalRules rules, int parallelism) {
        this.binaries = binaries;
        this.scanner = scanner;
        this.rules = rules;
        this.parallelism = Math.max(1, parallelism);
    }

    /**
     * Checks every source.
     *
     * @param progress called with the number of files finished so far (from scanner threads)
     * @throws PhpScanner.ScanException when no PHP is installed or a scanner failed
     */
    public Result check(PhpBranch target, Iterator<Source> sources, IntConsumer progress) {
        Optional<Path> own = binaries.forBranch(target);
        if (!sources.hasNext()) {
            return new Result(target, own, target, 0, List.of());
        }
        Path php = own.or(binaries::newest).orElseThrow(() -> new PhpScanner.ScanException(
                "no PHP command-line binary (phpX.Y) is installed on this node to read the files with"));
        PhpBranch tokenizer = own.isPresent() ? target : binaries.installed().lastKey();
        boolean parse = own.isPresent();
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "php-check");
            t.setDaemon(true);
            return t;
        });
        List<String> paths = new ArrayList<>();
        List<Future<List<FileScan>>> batches = new ArrayList<>();
        List<Integer> offsets = new ArrayList<>();
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(parallelism * 2);
        try {
            List<byte[]> batch = new ArrayList<>();
            long bytes = 0;
            while (sources.hasNext()) {
                Source s = sources.next();
                paths.add(s.path());
                batch.add(s.content());
                bytes += s.content().length;
                if (batch.size() >= BATCH_FILES || bytes >= BATCH_BYTES) {
                    submit(pool, inFlight, php, parse, batch, paths.size() - batch.size(), offsets, batches, done,
                            progress);
                    batch = new ArrayList<>();
                    bytes = 0;
                }
            }
            if (!batch.isEmpty()) {
                submit(pool, inFlight, php, parse, batch, paths.size() - batch.size(), offsets, batches, done,
                        progress);
            }
            List<List<FileScan>> results = new ArrayList<>();
            for (Future<List<FileScan>> f : batches) {
                results.add(f.get());
            }
            CompatAnalyzer analyzer = new CompatAnalyzer(rules, target);
            for (int b = 0; b < results.size(); b++) {
                for (FileScan fs : results.get(b)) {
                    analyzer.declarations(paths.get(offsets.get(b) + fs.index()), fs.events());
                }
            }
            List<PhpFinding> findings = new ArrayList<>();
            String parser = own.map(Path::toString).orElse(null);
            for (int b = 0; b < results.size(); b++) {
                for (FileScan fs : results.get(b)) {
                    findings.addAll(analyzer.findings(paths.get(offsets.get(b) + fs.index()), fs.events(), parser));
                }
            }
            return new Result(target, own, tokenizer, paths.size(), findings);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PhpScanner.ScanException("interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new PhpScanner.ScanException(String.valueOf(e.getCause()));
        } finally {
            pool.shutdownNow();
        }
    }

    private void submit(ExecutorService pool, java.util.concurrent.Semaphore inFlight, Path php, boolean parse,
            List<byte[]> batch, int offset, List<Integer> offsets, List<Future<List<FileScan>>> batches,
            java.util.concurrent.atomic.AtomicInteger done, IntConsumer progress) throws InterruptedException {
        inFlight.acquire();
        offsets.add(offset);
        batches.add(pool.submit(() -> {
            try {
                return scanner.scan(php, parse, rules, batch, i -> progress.accept(done.incrementAndGet()));
            } finally {
                inFlight.release();
            }
        }));
    }
}
