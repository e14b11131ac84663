<?php
// hostd's PHP compatibility scanner. Reads files' CONTENTS from stdin and reports, per file, the tokens that
// matter to the removal rules; it never opens, includes or evaluates the code it reads. Run with
//   php -n -d extension=tokenizer -r <this file without its opening tag> [parse]
// With "parse" (only when this binary is the target version) token_get_all(TOKEN_PARSE) also judges the syntax.
//
// stdin:  header lines "N\tname" (function), "Q\tprefix" (function prefix), "W\tvariable", ending with ".";
//         then per file "F\tindex\tlength\n" and length bytes; "Z" ends.
// stdout: tab-separated events per file index, ending with "E\tindex" (see PhpScanner.java).

$parse = in_array('parse', $argv, true);
$in = fopen('php://stdin', 'rb');
$out = fopen('php://stdout', 'wb');
$names = [];
$prefixes = [];
$vars = [];
while (($l = fgets($in)) !== false) {
    $l = rtrim($l, "\r\n");
    if ($l === '.') {
        break;
    }
    $p = explode("\t", $l, 2);
    if (count($p) !== 2) {
        continue;
    }
    if ($p[0] === 'N') {
        $names[strtolower($p[1])] = true;
    } elseif ($p[0] === 'Q') {
        $prefixes[] = strtolower($p[1]);
    } elseif ($p[0] === 'W') {
        $vars[$p[1]] = true;
    }
}
$guards = ['function_exists' => 1, 'is_callable' => 1, 'extension_loaded' => 1, 'ini_get' => 1, 'ini_set' => 1,
    'ini_restore' => 1, 'ini_alter' => 1];

function hostd_clean($s)
{
    $s = preg_replace('/[\x00-\x1f\x7f]+/', ' ', (string) $s);
    return strlen($s) > 300 ? substr($s, 0, 300) : $s;
}

function hostd_interesting($name, $names, $prefixes)
{
    if (isset($names[$name])) {
        return true;
    }
    foreach ($prefixes as $p) {
        if (strncmp($name, $p, strlen($p)) === 0) {
            return true;
        }
    }
    return false;
}

function hostd_unquote($t)
{
    if (strlen($t) >= 2 && ($t[0] === "'" || $t[0] === '"') && substr($t, -1) === $t[0]) {
        $inner = substr($t, 1, -1);
        if ($t[0] === '"' && strpbrk($inner, '$\\') !== false) {
            return null;
        }
        return $inner;
    }
    return null;
}

/** Reports <% ... %> blocks with PHP code in them and <script language="php"> inside inline HTML. */
function hostd_inline($out, $i, $html, $line)
{
    if (preg_match_all('/<script\s+language\s*=\s*(["\']?)php\1\s*>/i', $html, $m, PREG_OFFSET_CAPTURE)) {
        foreach ($m[0] as $hit) {
            fwrite($out, "X\t$i\t" . ($line + substr_count($html, "\n", 0, $hit[1])) . "\tscript-tag\t\n");
        }
    }
    if (strpos($html, '<%') !== false && preg_match_all('/<%(=?)(.*?)(%>|$)/s', $html, $m, PREG_OFFSET_CAPTURE)) {
        foreach ($m[2] as $k => $code) {
            $php = false;
            foreach (token_get_all('<?php ' . $code[0]) as $t) {
                if (is_array($t) && in_array($t[0], [T_VARIABLE, T_ECHO, T_PRINT], true)) {
                    $php = true;
                    break;
                }
            }
            if ($php) {
                fwrite($out, "X\t$i\t" . ($line + substr_count($html, "\n", 0, $m[0][$k][1])) . "\tasp-tags\t\n");
            }
        }
    }
}

function hostd_scan($out, $i, $code, $parse, $names, $prefixes, $vars, $guards)
{
    $tokens = null;
    if ($parse) {
        try {
            // the parser's tokens, where keywords used as names are already T_STRING
            $tokens = token_get_all($code, TOKEN_PARSE);
        } catch (ParseError $e) {
            fwrite($out, "P\t$i\t" . $e->getLine() . "\t" . hostd_clean($e->getMessage()) . "\n");
        }
    }
    if ($tokens === null) {
        $tokens = token_get_all($code);
    }
    $n = count($tokens);
    $skip = [T_WHITESPACE => 1, T_COMMENT => 1, T_DOC_COMMENT => 1];
    $fq = defined('T_NAME_FULLY_QUALIFIED') ? T_NAME_FULLY_QUALIFIED : -1;
    $nullsafe = defined('T_NULLSAFE_OBJECT_OPERATOR') ? T_NULLSAFE_OBJECT_OPERATOR : -1;
    $depth = 0;
    $scopes = [];        // stack of [depth at which the body opened, scope id, is class]
    $pending = null;     // 'f' or 'c': a function or class header waits for its '{'
    $scopeId = 0;
    $nextScope = 1;
    $prev = null;        // previous significant token
    $prev2 = null;
    $line = 1;
    for ($k = 0; $k < $n; $k++) {
        $t = $tokens[$k];
        if (is_array($t)) {
            $id = $t[0];
            $text = $t[1];
            $line = $t[2];
        } else {
            $id = $t;
            $text = $t;
        }
        if ($id === T_COMMENT || $id === T_DOC_COMMENT) {
            if (stripos($text, 'phpcs:') !== false
                    && preg_match('/phpcs:(ignore|disable|enable)\b[ \t]*([^\r\n*]*)/i', $text, $m)) {
                fwrite($out, "A\t$i\t$line\t" . strtolower($m[1]) . "\t" . hostd_clean(trim($m[2])) . "\n");
            }
            continue;
        }
        if ($id === T_WHITESPACE) {
            continue;
        }
        if ($id === T_INLINE_HTML) {
            hostd_inline($out, $i, $text, $line);
        } elseif ($id === T_CLASS || $id === T_INTERFACE || $id === T_TRAIT
                || (defined('T_ENUM') && $id === T_ENUM)) {
            if (!(is_array($prev) && $prev[0] === T_DOUBLE_COLON)) {
                $pending = 'c';
            }
        } elseif ($id === T_FUNCTION && is_array($prev) && $prev[0] === T_USE) {
            // "use function name;" imports, it declares nothing
        } elseif ($id === T_FUNCTION) {
            $pending = 'f';
            // a global function declaration: function [&] name (
            $j = $k + 1;
            while ($j < $n && is_array($tokens[$j]) && isset($skip[$tokens[$j][0]])) {
                $j++;
            }
            if ($j < $n && $tokens[$j] === '&') {
                $j++;
                while ($j < $n && is_array($tokens[$j]) && isset($skip[$tokens[$j][0]])) {
                    $j++;
                }
            }
            $inClass = !empty($scopes) && end($scopes)[2];
            if ($j < $n && is_array($tokens[$j]) && $tokens[$j][0] === T_STRING && !$inClass) {
                $name = strtolower($tokens[$j][1]);
                if ($name === '__autoload' || hostd_interesting($name, $names, $prefixes)) {
                    fwrite($out, "D\t$i\t" . $tokens[$j][2] . "\t$name\n");
                }
            }
        } elseif ($id === ';' && $pending === 'f') {
            $pending = null; // abstract or interface method
        } elseif ($id === '{' || $id === T_CURLY_OPEN || $id === T_DOLLAR_OPEN_CURLY_BRACES) {
            $depth++;
            if ($id === '{' && $pending !== null) {
                $scopes[] = [$depth, $pending === 'f' ? $nextScope : $scopeId, $pending === 'c'];
                if ($pending === 'f') {
                    $scopeId = $nextScope++;
                }
                $pending = null;
            } elseif ($id === '{' && (is_array($prev) && ($prev[0] === T_VARIABLE)
                    || $prev === ']' || (is_array($prev) && $prev[0] === T_STRING && is_array($prev2)
                        && ($prev2[0] === T_OBJECT_OPERATOR || $prev2[0] === $nullsafe)))) {
                fwrite($out, "X\t$i\t$line\tcurly-offset\t\n");
            }
        } elseif ($id === '}') {
            if (!empty($scopes) && end($scopes)[0] === $depth) {
                array_pop($scopes);
                $scopeId = 0;
                for ($s = count($scopes) - 1; $s >= 0; $s--) {
                    if (!$scopes[$s][2]) {
                        $scopeId = $scopes[$s][1];
                        break;
                    }
                }
            }
            $depth = max(0, $depth - 1);
        } elseif ($id === T_CONSTANT_ENCAPSED_STRING) {
            // a removed function's name as data, e.g. in a table of engines looked up with function_exists()
            $str = hostd_unquote($text);
            if ($str !== null && strlen($str) < 64 && hostd_interesting(strtolower($str), $names, $prefixes)) {
                fwrite($out, "S\t$i\t$line\t" . strtolower($str) . "\n");
            }
        } elseif ($id === T_VARIABLE) {
            if (isset($vars[$text])) {
                fwrite($out, "V\t$i\t$scopeId\t$line\t$text\n");
            }
        } elseif ($id === T_DOUBLE_CAST || $id === T_UNSET_CAST) {
            $cast = strtolower(preg_replace('/[\s()]+/', '', $text));
            if ($cast === 'real' || $cast === 'unset') {
                fwrite($out, "X\t$i\t$line\tcast\t$cast\n");
            }
        } elseif ($id === T_STRING || $id === $fq || $id === T_NS_SEPARATOR) {
            $name = $id === $fq ? substr($text, 1) : $text;
            if ($id === T_NS_SEPARATOR) {
                // PHP 7: \name( is T_NS_SEPARATOR T_STRING; only a leading separator means the global function
                $nt = $tokens[$k + 1] ?? null;
                if (!is_array($nt) || $nt[0] !== T_STRING || (is_array($prev) && ($prev[0] === T_STRING
                        || $prev[0] === T_NAMESPACE))) {
                    $prev2 = $prev;
                    $prev = $t;
                    continue;
                }
                $k++;
                $t = $nt;
                $name = $nt[1];
            }
            $j = $k + 1;
            while ($j < $n && is_array($tokens[$j]) && isset($skip[$tokens[$j][0]])) {
                $j++;
            }
            $call = $j < $n && $tokens[$j] === '(';
            $member = is_array($prev) && ($prev[0] === T_OBJECT_OPERATOR || $prev[0] === $nullsafe
                    || $prev[0] === T_DOUBLE_COLON || $prev[0] === T_FUNCTION || $prev[0] === T_NEW
                    || $prev[0] === T_CONST);
            $member = $member || ($prev === '&' && is_array($prev2) && $prev2[0] === T_FUNCTION);
            if ($call && !$member) {
                $lname = strtolower($name);
                if (isset($guards[$lname])) {
                    // first argument, when it is one constant string
                    $a = $j + 1;
                    while ($a < $n && is_array($tokens[$a]) && isset($skip[$tokens[$a][0]])) {
                        $a++;
                    }
                    $b = $a + 1;
                    while ($b < $n && is_array($tokens[$b]) && isset($skip[$tokens[$b][0]])) {
                        $b++;
                    }
                    $arg = null;
                    if ($a < $n && is_array($tokens[$a]) && $tokens[$a][0] === T_CONSTANT_ENCAPSED_STRING
                            && $b < $n && ($tokens[$b] === ')' || $tokens[$b] === ',')) {
                        $arg = hostd_unquote($tokens[$a][1]);
                    }
                    // "*": the name is computed, e.g. function_exists($map[$engine])
                    fwrite($out, "G\t$i\t$scopeId\t$line\t$lname\t" . ($arg === null ? '*' : hostd_clean($arg))
                            . "\n");
                } elseif (hostd_interesting($lname, $names, $prefixes)) {
                    fwrite($out, "C\t$i\t$scopeId\t$line\t$lname\n");
                }
            }
        }
        $prev2 = $prev;
        $prev = $t;
    }
}

while (($h = fgets($in)) !== false) {
    $h = rtrim($h, "\r\n");
    if ($h === 'Z') {
        break;
    }
    $p = explode("\t", $h);
    if (count($p) !== 3 || $p[0] !== 'F') {
        fwrite(STDERR, "bad header\n");
        exit(2);
    }
    $i = (int) $p[1];
    $len = (int) $p[2];
    $code = '';
    while (strlen($code) < $len) {
        $chunk = fread($in, min(1 << 20, $len - strlen($code)));
        if ($chunk === false || $chunk === '') {
            fwrite(STDERR, "short read\n");
            exit(2);
        }
        $code .= $chunk;
    }
    hostd_scan($out, $i, $code, $parse, $names, $prefixes, $vars, $guards);
    fwrite($out, "E\t$i\n");
    fflush($out);
}
