#!/bin/bash
# Runs inside the fresh Debian 12 root of debian.sh (chroot, own mount, pid and network namespace): the
# provider's set-up with the distribution's provider/install.sh, the customer scenarios with the real hostctl,
# hostd doctor, and one broken thing at a time. One line per check; the summary last; exit 1 on any failure.
set -uo pipefail

HOME_DIR=/opt/hostctl
HOSTD=$HOME_DIR/bin/hostd
HOSTCTL=$HOME_DIR/bin/hostctl
DATA=/var/lib/hostd
ACCOUNT=alice
DOMAIN=alice.example
URL=http://alice.example/
WEBSPACE=/srv/www/alice
DOCROOT=$WEBSPACE/public_html
MAILBOX=info@alice.example
PASSWORD='Correct-Horse-7'
PASSED=0
FAILED=0
LOG=/root/scenario.log

ok() { echo "ok $*"; PASSED=$((PASSED + 1)); }
fail() { echo "FAIL $*"; FAILED=$((FAILED + 1)); }
# The last lines of OUT on one line, for a FAIL.
brief() { printf '%s' "$1" | tail -n 4 | tr '\n' ' ' | cut -c1-400; }
# check DESCRIPTION COMMAND...: ok when the command exits 0.
check() {
  local desc=$1 out
  shift
  if out=$("$@" 2>&1); then ok "$desc"; else fail "$desc: $(brief "$out")"; fi
  printf '== %s\n%s\n' "$desc" "$out" >> "$LOG"
}
# refuses DESCRIPTION COMMAND...: ok when the command exits non-zero; its output is in $OUT.
OUT=
RC=0
refuses() {
  local desc=$1
  shift
  RC=0
  OUT=$("$@" 2>&1) || RC=$?
  if [[ $RC -eq 0 ]]; then fail "$desc: exited 0: $(brief "$OUT")"; return 1; fi
  printf '== %s\n%s\n' "$desc" "$OUT" >> "$LOG"
  return 0
}
# wait_for SECONDS COMMAND...: until the command exits 0.
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    [[ $SECONDS -lt $deadline ]] || return 1
    sleep 1
  done
}
# The customer: alice on hostd's local socket, no token.
hostctl() { runuser -u alice -- env HOME=/home/alice "$HOSTCTL" --no-input --no-color "$@"; }
doctor() {
  "$HOSTD" doctor --data "$DATA" --php-docroot "$DOCROOT=$URL" --mailbox "$MAILBOX"
}
# doctor_names CHECK TEXT: doctor exits non-zero and its line for CHECK is a FAIL containing TEXT.
doctor_names() {
  local out
  out=$(doctor 2>&1) && { echo "doctor exited 0"; return 1; }
  printf '%s\n' "$out" | grep -F "$1" | grep -F FAIL | grep -qF "$2" || { printf '%s\n' "$out"; return 1; }
}
summary() {
  echo "$PASSED passed, $FAILED failed"
  [[ $FAILED -eq 0 ]]
  exit
}

# ------------------------------------------------------------------------------------------------ set-up

# Names resolve to this host as DNS would point them at it.
echo "127.0.0.1 alice.example" >> /etc/hosts
# install.sh [OPTIONS]: its output in $OUT (through a file: the services it starts keep no pipe open)
install() {
  local rc=0
  "$HOME_DIR/provider/install.sh" "$@" > /root/install.out 2>&1 < /dev/null || rc=$?
  OUT=$(cat /root/install.out)
  printf '== install.sh %s (exit %s)\n%s\n' "$*" "$rc" "$OUT" >> "$LOG"
  return $rc
}
ACCOUNT_OPTIONS=(--account "$ACCOUNT" --webspace "$WEBSPACE" --docroot "public_html=$URL" --domain "$DOMAIN")
if install; then ok "install.sh: hostd, Apache handlers, php-fpm, Dovecot, Postfix"
else fail "install.sh: $(brief "$OUT")"; cat /var/log/hostd.log >> "$LOG" 2>/dev/null; summary; fi
if install "${ACCOUNT_OPTIONS[@]}"; then ok "install.sh --account: vhost, php-fpm pool, hostd account and mail domain"
else fail "install.sh --account: $(brief "$OUT")"; summary; fi
if install "${ACCOUNT_OPTIONS[@]}" && ! grep -q 'wrote\|added\|no longer\|domains of' <<<"$OUT"; then
  ok "install.sh run again changes nothing"
else fail "install.sh run again: $(brief "$OUT")"; fi
refuses "install.sh refuses a bad option" "$HOME_DIR/provider/install.sh" --docroot x=y \
  && { [[ $(wc -l <<<"$OUT") -eq 1 ]] && grep -q '^install.sh: error: ' <<<"$OUT" \
         && ok "install.sh refuses a bad option with one line: $OUT" || fail "install.sh bad option: $(brief "$OUT")"; }

check "data directory, store and hostd.yaml modes" bash -c "
  [[ \$(stat -c %a $DATA) == 2771 && \$(stat -c %G $DATA) == hostd-store ]] &&
  [[ \$(stat -c %a $DATA/hostd.db) == 660 && \$(stat -c %a $DATA/hostd.yaml) == 640 ]] || { ls -la $DATA; exit 1; }"
check "hostd serves the local socket" test -S /run/hostd/api.sock

# ------------------------------------------------------------------------------------------------ PHP

versions_listed() { local out; out=$(hostctl php versions) && echo "$out" && grep -q '^8\.2 ' <<<"$out" \
  && grep -q '^8\.2-fpm ' <<<"$out"; }
check "php versions lists 8.2 and 8.2-fpm" versions_listed
# the launcher leaves the JIT flags to HOSTCTL_JAVA_OPTS when it names other compilers (one C1 thread is refused)
check "hostctl starts with HOSTCTL_JAVA_OPTS=-XX:TieredStopAtLevel=4" runuser -u alice -- env HOME=/home/alice \
  HOSTCTL_JAVA_OPTS=-XX:TieredStopAtLevel=4 "$HOSTCTL" --no-input php versions

runuser -u alice -- mkdir -p "$DOCROOT/site" "$DOCROOT/other"
runuser -u alice -- sh -c "printf '%s\n' '<?php echo \"php=\", PHP_VERSION, \" handler=\", getenv(\"HOSTD_PHP_HANDLER\") ?: \"-\";' > $DOCROOT/site/index.php"
runuser -u alice -- cp "$DOCROOT/site/index.php" "$DOCROOT/other/index.php"
get() { curl -sS --max-time 10 "$URL$1"; }

check "php set 8.2-fpm public_html/site" hostctl php set -y 8.2-fpm public_html/site
check "php verify public_html/site (8.2-fpm)" hostctl php verify public_html/site
check "GET through Apache: PHP 8.2 from alice's php-fpm pool" bash -c \
  "out=\$(curl -sS --max-time 10 ${URL}site/index.php); echo \"\$out\"; grep -q '^php=8\.2\.[0-9]* handler=alice$' <<<\"\$out\""
check "php set 8.2 public_html/site (CGI)" hostctl php set -y 8.2 public_html/site
check "php verify public_html/site (8.2)" hostctl php verify public_html/site
check "GET through Apache: PHP 8.2 from handler php82-cgi" bash -c \
  "out=\$(curl -sS --max-time 10 ${URL}site/index.php); echo \"\$out\"; grep -q '^php=8\.2\.[0-9]* handler=php82-cgi$' <<<\"\$out\""
check "php unset public_html/site" hostctl php unset -y public_html/site
check "after unset no hostd block in .htaccess" bash -c "! grep -q 'hostd-generated' $DOCROOT/site/.htaccess 2>/dev/null"
check "GET through Apache after unset: the vhost default php82-cgi" bash -c \
  "out=\$(curl -sS --max-time 10 ${URL}site/index.php); echo \"\$out\"; grep -q 'handler=php82-cgi$' <<<\"\$out\""
check "customers' .htaccess is never served" bash -c \
  "[[ \$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 ${URL}.htaccess) == 403 ]]"

# ------------------------------------------------------------------------------------------------ mail

check "mailbox create $MAILBOX" bash -c "printf '%s\n' '$PASSWORD' | runuser -u alice -- env HOME=/home/alice \
  $HOSTCTL --no-input mailbox create $MAILBOX --password-stdin"
imap() { curl -sS --max-time 20 --user "$MAILBOX:$1" "imap://127.0.0.1/$2" -X "$3"; }
# send SUBJECT MESSAGE-ID: through Postfix's smtpd on port 25, as mail from outside
send() {
  printf 'From: Bob <bob@remote.example>\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s>\r\nDate: %s\r\n\r\nHello.\r\n' \
    "$MAILBOX" "$1" "$2" "$(date -R)" \
    | curl -sS --max-time 20 smtp://127.0.0.1:25 --mail-from bob@remote.example --mail-rcpt "$MAILBOX" -T -
}
found() { imap "$PASSWORD" "$1" "SEARCH HEADER Message-ID \"$2\"" | grep -q '^\* SEARCH [0-9]'; }
check "mail to $MAILBOX accepted by Postfix (SMTP)" send "hello from outside" "plain-1@remote.example"
check "delivered by LMTP to Dovecot: IMAP login finds it in INBOX" wait_for 60 found INBOX plain-1@remote.example
refuses "IMAP login with a wrong password" imap "wrong-$PASSWORD" INBOX "SEARCH ALL" \
  && ok "IMAP login with a wrong password is refused"

# ------------------------------------------------------------------------------------------------ Sieve

cat > /tmp/filter.sieve <<'EOF'
require ["fileinto", "mailbox"];
if header :contains "subject" "[reports]" {
  fileinto :create "Reports";
}
EOF
chmod 0644 /tmp/filter.sieve
check "sieve put --activate a fileinto script" hostctl sieve put --activate "$MAILBOX" reports /tmp/filter.sieve
check "mail for the filter accepted by Postfix" send "[reports] weekly" "report-1@remote.example"
check "Sieve filed it into Reports" wait_for 60 found Reports report-1@remote.example

# ------------------------------------------------------------------------------------------------ send log

maillog_has() { hostctl mail log --message-id "$1" -o json | grep -q '"delivered\|"sent'; }
check "mail log shows the delivered message" wait_for 30 maillog_has plain-1@remote.example
check "mail log shows the filtered message" wait_for 30 maillog_has report-1@remote.example

# ------------------------------------------------------------------------------------------------ status, doctor

status_is() { hostctl status -o json > /tmp/status.json 2>&1; grep -q "$1" /tmp/status.json; }
check "status: everything up (exit 0)" wait_for 60 hostctl status --strict
hostctl status >> "$LOG" 2>&1
check "hostd doctor exits 0" doctor

# ------------------------------------------------------------------------------------------------ broken: PHP handler

# The handler's definition in Apache: its Action line.
cp /etc/apache2/conf-available/hostd-php.conf /root/hostd-php.conf.saved
sed -i '/^Action php82-cgi /d' /etc/apache2/conf-available/hostd-php.conf
/etc/init.d/apache2 reload >/dev/null
check "Action line of php82-cgi removed: doctor names it" doctor_names "php 8.2 " "php82-cgi is not defined in Apache"
runuser -u alice -- mkdir -p "$DOCROOT/cgi"
runuser -u alice -- cp "$DOCROOT/site/index.php" "$DOCROOT/cgi/index.php"
refuses "php verify with php82-cgi undefined" hostctl php verify public_html/cgi \
  && { grep -q 'PHP source served' <<<"$OUT" && ok "php verify refuses: $(brief "$OUT")" || fail "php verify: $(brief "$OUT")"; }
cp /root/hostd-php.conf.saved /etc/apache2/conf-available/hostd-php.conf
/etc/init.d/apache2 reload >/dev/null

# The handler's program, as when php8.2-cgi is removed.
mv /usr/bin/php-cgi8.2 /root/php-cgi8.2.saved
check "php-cgi8.2 removed: doctor names it" doctor_names "php 8.2 " "/usr/bin/php-cgi8.2"
before=$(sha256sum "$DOCROOT/other/.htaccess" 2>/dev/null || echo none)
refuses "php set 8.2 without its program" hostctl php set -y 8.2 public_html/other \
  && { after=$(sha256sum "$DOCROOT/other/.htaccess" 2>/dev/null || echo none)
       [[ "$before" == "$after" && $RC -eq 5 && $(wc -l <<<"$OUT") -eq 1 ]] && grep -q 'not installed' <<<"$OUT" \
         && ok "php set 8.2 refuses, .htaccess unchanged: $(brief "$OUT")" || fail "php set 8.2: $(brief "$OUT")"; }
mv /root/php-cgi8.2.saved /usr/bin/php-cgi8.2

# ------------------------------------------------------------------------------------------------ broken: php-fpm

/etc/init.d/php8.2-fpm stop >/dev/null
check "php-fpm stopped: doctor names it" doctor_names "php 8.2-fpm" "php-fpm"
before=$(sha256sum "$DOCROOT/other/.htaccess" 2>/dev/null || echo none)
refuses "php set 8.2-fpm with php-fpm stopped" hostctl php set -y 8.2-fpm public_html/other \
  && { after=$(sha256sum "$DOCROOT/other/.htaccess" 2>/dev/null || echo none)
       [[ "$before" == "$after" && $RC -eq 5 && $(wc -l <<<"$OUT") -eq 1 ]] && grep -q 'php-fpm socket' <<<"$OUT" \
         && ok "php set 8.2-fpm refuses, .htaccess unchanged: $(brief "$OUT")" || fail "php set 8.2-fpm: $(brief "$OUT")"; }
/etc/init.d/php8.2-fpm start >/dev/null
check "php-fpm started again: php set 8.2-fpm works" hostctl php set -y 8.2-fpm public_html/other

# ------------------------------------------------------------------------------------------------ broken: LMTP

cp /etc/dovecot/conf.d/90-hostd.conf /root/90-hostd.conf.saved
awk '/^service lmtp \{/ { skip = 1 } !skip { print } skip && /^\}/ { skip = 0 }' /root/90-hostd.conf.saved \
  > /etc/dovecot/conf.d/90-hostd.conf
/etc/init.d/dovecot reload >/dev/null
sleep 2
check "LMTP listener dropped: doctor names it" doctor_names "dovecot lmtp" "no LMTP inet listener"
lmtp_down() { hostctl status -o json > /tmp/status.json 2>&1; tr -d ' \n' < /tmp/status.json | grep -q '"lmtp"[^}]*"down"\|"down"[^}]*"lmtp"'; }
check "status reports LMTP down" wait_for 75 lmtp_down
refuses "status exits non-zero with LMTP down" hostctl status \
  && { [[ $RC -eq 6 ]] && ok "status exits 6 with LMTP down: $(brief "$OUT")" || fail "status exit $RC: $(brief "$OUT")"; }
cp /root/90-hostd.conf.saved /etc/dovecot/conf.d/90-hostd.conf
/etc/init.d/dovecot reload >/dev/null
check "LMTP back: status up again" wait_for 75 hostctl status --strict
check "hostd doctor exits 0 again" doctor

summary
