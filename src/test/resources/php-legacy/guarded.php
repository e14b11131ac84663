<?php
function query($sql, $useMysqli, $db) {
    if ($useMysqli) {
        return mysqli_query($db, $sql);
    }
    return mysql_query($sql, $db);
}

function matches($pattern, $s) {
    if (function_exists('ereg')) {
        // kept for hosts that still have ext/ereg
        return ereg($pattern, $s);
    }
    return preg_match('/' . $pattern . '/', $s);
}

$first = each($list);

function parts($s) {
    // phpcs:ignore PHPCompatibility.Extensions.RemovedExtensions.eregDeprecatedRemoved
    return split(',', $s);
}

function close($db) {
    mysql_close($db);
}
