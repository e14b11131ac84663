<?php
function random_iv()
{
    return mcrypt_create_iv(16, MCRYPT_DEV_URANDOM);
}
