<?php
namespace Shop;

use function money_format;

echo money_format('%i', 3.5);
