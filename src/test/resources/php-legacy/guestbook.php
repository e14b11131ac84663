<?php
// Guestbook, written for PHP 5: mysql_connect(), ereg() and each() in this comment are no findings.
/* create_function() and $HTTP_RAW_POST_DATA in a block comment are not either */
$db = mysql_connect('localhost', 'guest', 'book');
mysql_select_db('guestbook', $db);
$name = isset($_POST['name']) ? $_POST['name'] : '';
if (ereg('^[a-z]+$', $name)) {
    $parts = split(',', $name);
}
$raw = $HTTP_RAW_POST_DATA;
$msg = "Call mysql_query() yourself, or each() and ereg()";
$sql = 'SELECT * FROM entries WHERE name = mysql_real_escape_string()';
$result = mysql_query("SELECT * FROM entries", $db);
$opts = array('a' => 1, 'b' => 2);
while (list($k, $v) = each($opts)) {
    echo $k;
}
$sorter = create_function('$a,$b', 'return strcmp($a, $b);');
$first = $name{0};
$price = money_format('%i', 3.5);
$key = mcrypt_create_iv(16, MCRYPT_DEV_URANDOM);
$help = <<<EOT
Use mysql_connect() and ereg() and each() and create_function() here: only text.
EOT;
$now = <<<'EOT'
split() and money_format() in a nowdoc
EOT;
$obj = new Guestbook();
$obj->each(1);
Guestbook::ereg(2);
ini_set('magic_quotes_runtime', 0);
$f = (real) $price;
?>
<p>Entries</p>
<% echo $name; %>
<script language="php">
echo "old";
</script>
<%= $msg %>
