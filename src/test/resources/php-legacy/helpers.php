<?php
class Guestbook
{
    public function each($x)
    {
        return $x;
    }

    public static function ereg($y)
    {
        return $y;
    }
}

function gb_escape($s)
{
    if (function_exists('mysql_real_escape_string')) {
        return mysql_real_escape_string($s);
    }
    return addslashes($s);
}

function __autoload($class)
{
    require $class . '.php';
}
