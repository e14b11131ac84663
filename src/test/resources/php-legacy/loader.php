<?php
if (extension_loaded('mcrypt')) {
    require __DIR__ . '/mcrypt_random.php';
}
