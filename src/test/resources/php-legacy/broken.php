<?php
// a file the 8.2 parser refuses
function greet($name) {
    echo "Hello " $name;
}
