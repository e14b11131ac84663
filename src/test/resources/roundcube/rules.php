<?php
// Roundcube's managesieve plugin as the judge of the rules hostctl reads and writes.
//   php rules.php parse < script   prints {"rules": [...], "text": as_text()} of Roundcube's parser
//   php rules.php make < rules.json  builds a script from Roundcube rule arrays with add_rule() and prints as_text()
// The rules are printed in hostctl's terms (sieve rule list -o json), mapped field by field from Roundcube's arrays.
$lib = getenv('ROUNDCUBE_MANAGESIEVE') ?: '/usr/share/roundcube/plugins/managesieve/lib/Roundcube';
require $lib . '/rcube_sieve_script.php';

function list_of($v) {
    return array_values((array) $v);
}

function clean($a) {
    return array_filter($a, function ($v) { return $v !== null; });
}

function test_of($t) {
    $not = !empty($t['not']);
    switch ($t['test']) {
    case 'true':
        return ['test' => 'true', 'not' => $not];
    case 'size':
        return clean(['test' => 'size', 'not' => $not,
            'over' => ($t['type'] ?? '') == 'under' ? null : $t['arg'],
            'under' => ($t['type'] ?? '') == 'under' ? $t['arg'] : null]);
    case 'exists':
        return ['test' => 'exists', 'not' => $not, 'headers' => list_of($t['arg'])];
    case 'header':
    case 'address':
    case 'envelope':
        return clean(['test' => $t['test'], 'not' => $not, 'match' => $t['type'] ?? null, 'part' => $t['part'] ?? null,
            'comparator' => $t['comparator'] ?? null, 'headers' => list_of($t['arg1']), 'keys' => list_of($t['arg2'])]);
    case 'body':
        return clean(['test' => 'body', 'not' => $not, 'match' => $t['type'] ?? null, 'part' => $t['part'] ?? null,
            'comparator' => $t['comparator'] ?? null, 'keys' => list_of($t['arg'])]);
    default:
        return ['test' => $t['test'], 'unknown' => true];
    }
}

function action_of($a) {
    switch ($a['type']) {
    case 'fileinto':
        return clean(['action' => 'fileinto', 'folder' => $a['target'], 'copy' => empty($a['copy']) ? null : true]);
    case 'redirect':
        return clean(['action' => 'redirect', 'copy' => empty($a['copy']) ? null : true, 'address' => $a['target']]);
    case 'addflag':
    case 'setflag':
    case 'removeflag':
        return ['action' => $a['type'], 'flags' => list_of($a['target'])];
    case 'reject':
        return ['action' => 'reject', 'reason' => $a['target']];
    case 'discard':
    case 'keep':
    case 'stop':
        return ['action' => $a['type']];
    default:
        return ['action' => $a['type'], 'unknown' => true];
    }
}

$mode = $argv[1] ?? 'parse';
$input = stream_get_contents(STDIN);
if ($mode == 'make') {
    $script = new rcube_sieve_script('');
    foreach (json_decode($input, true) as $rule) {
        $script->add_rule($rule);
    }
    echo $script->as_text();
    exit(0);
}
$script = new rcube_sieve_script($input);
$rules = [];
foreach ($script->as_array() as $r) {
    $rules[] = [
        'name' => $r['name'] ?? null,
        'enabled' => empty($r['disabled']),
        'join' => !empty($r['join']) ? 'allof' : 'anyof',
        'tests' => array_map('test_of', $r['tests'] ?? []),
        'actions' => array_map('action_of', $r['actions'] ?? []),
    ];
}
echo json_encode(['rules' => $rules, 'text' => $script->as_text()], JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
