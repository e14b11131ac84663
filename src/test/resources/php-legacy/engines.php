<?php
namespace App;

use function recode_string;

class Encoding
{
    private static $map = ['recode' => 'recode_string', 'iconv' => 'iconv'];

    public static function convert($engine, $s)
    {
        if ($engine === 'recode') {
            return recode_string('latin1..utf8', $s);
        }
        return iconv('latin1', 'utf8', $s);
    }

    public static function available($engine)
    {
        return function_exists(self::$map[$engine]);
    }
}
