#!/usr/bin/env bash
# Sets up hostd with the provider kit on Debian 12: the steps of the README's "Running hostd (for providers)"
# as one script. Run as root on a host with the packages installed:
#
#   apt-get install apache2 libapache2-mod-fcgid php8.2-cgi php8.2-fpm \
#     dovecot-imapd dovecot-lmtpd dovecot-managesieved dovecot-sieve dovecot-sqlite \
#     postfix postfix-sqlite openjdk-17-jre-headless
#   provider/install.sh                                   # hostd, Apache handlers, Dovecot, Postfix
#   provider/install.sh --account alice --webspace /srv/www/alice \
#     --docroot public_html=http://alice.example/ --domain alice.example   # and one account (repeat per account)
#
# It fills in the kit's @NAME@ placeholders, installs the files into /etc, creates the users, groups and
# directories with the README's modes and starts or reloads the services (with systemd through units, without
# it - a container, a chroot - through /etc/init.d and hostd started directly). Running it again changes
# nothing that is already right; an account or domain given again is left as it is. On an error it stops
# with one line saying what failed.
set -Eeuo pipefail

PROG=install.sh
# A failure inside $(...) exits 3 there; the caller then stops without a second line.
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; if [[ $BASH_SUBSHELL -gt 0 ]]; then exit 3; fi; exit 1; }
log() { printf '%s: %s\n' "$PROG" "$*"; }
# Any other failing command: one line naming it (a failure inside $(...) is reported there, once).
trap 'rc=$?; [[ $rc -eq 3 ]] || printf "%s: error: line %s failed (exit %s): %s\n" "$PROG" "$LINENO" "$rc" "$BASH_COMMAND" >&2
      if [[ $BASH_SUBSHELL -gt 0 ]]; then exit 3; fi; exit 1' ERR

KIT=$(cd "$(dirname "$(readlink -f "$0")")" && pwd -P)
HOSTD_HOME=$(dirname "$KIT")
DATA_DIR=/var/lib/hostd
MAIL_ROOT=
VMAIL_USER=vmail
LMTP_PORT=24
MAILLOG=/var/log/postfix.log
HANDLER_DIR=/usr/local/lib/hostd/php
ADDRESS='*:80'
SOCKET=/run/hostd/api.sock
ACCOUNT=
WEBSPACE=
UNIX_USER=
DOCROOTS=()
DOMAINS=()

usage() {
  cat <<EOF
Usage: $PROG [OPTIONS]
Sets up hostd, Apache's PHP handlers, php-fpm, Dovecot and Postfix from the provider kit (run as root).

  --hostd-home DIR      where the distribution is unpacked (default: $HOSTD_HOME)
  --data DIR            hostd's data directory (default: $DATA_DIR)
  --mail-root DIR       mail.root, the maildirs (default: DATA/vmail)
  --vmail-user USER     owner of the maildirs, created with a uid of at least 500 (default: $VMAIL_USER)
  --lmtp-port PORT      Dovecot's LMTP port on 127.0.0.1 (default: $LMTP_PORT)
  --maillog FILE        Postfix's log, hostd's send log (default: $MAILLOG)
  --handler-dir DIR     the PHP CGI wrappers (default: $HANDLER_DIR)
  --address ADDR        address of the account vhosts (default: $ADDRESS)
One account (give the options again with another account to add more):
  --account NAME        hostd account (also its Unix user and php-fpm pool unless --unix-user)
  --webspace DIR        its webspace (default: /srv/www/NAME)
  --docroot SUB=URL     a document root and its URL, one vhost each (repeatable)
  --unix-user USER      the Unix user owning the webspace, acting on hostd's local socket (default: NAME)
  --domain DOMAIN       a mail domain of the account, kept by this host's Dovecot (repeatable)
EOF
}

need_arg() { [[ $# -ge 2 && -n "$2" ]] || die "$1 needs a value (see --help)"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --hostd-home) need_arg "$@"; HOSTD_HOME=$2; shift 2 ;;
    --data) need_arg "$@"; DATA_DIR=$2; shift 2 ;;
    --mail-root) need_arg "$@"; MAIL_ROOT=$2; shift 2 ;;
    --vmail-user) need_arg "$@"; VMAIL_USER=$2; shift 2 ;;
    --lmtp-port) need_arg "$@"; LMTP_PORT=$2; shift 2 ;;
    --maillog) need_arg "$@"; MAILLOG=$2; shift 2 ;;
    --handler-dir) need_arg "$@"; HANDLER_DIR=$2; shift 2 ;;
    --address) need_arg "$@"; ADDRESS=$2; shift 2 ;;
    --account) need_arg "$@"; ACCOUNT=$2; shift 2 ;;
    --webspace) need_arg "$@"; WEBSPACE=$2; shift 2 ;;
    --docroot) need_arg "$@"; DOCROOTS+=("$2"); shift 2 ;;
    --unix-user) need_arg "$@"; UNIX_USER=$2; shift 2 ;;
    --domain) need_arg "$@"; DOMAINS+=("$2"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

# ---------------------------------------------------------------------------------------------- checks

SAFE='^/[A-Za-z0-9._/+-]*$'
[[ $EUID -eq 0 ]] || die "run as root"
for p in "$HOSTD_HOME" "$DATA_DIR" "$MAILLOG" "$HANDLER_DIR"; do
  [[ "$p" =~ $SAFE ]] || die "$p: give an absolute path of letters, digits and . _ / + -"
done
MAIL_ROOT=${MAIL_ROOT:-$DATA_DIR/vmail}
[[ "$MAIL_ROOT" =~ $SAFE ]] || die "$MAIL_ROOT: give an absolute path of letters, digits and . _ / + -"
[[ "$LMTP_PORT" =~ ^[0-9]+$ ]] || die "--lmtp-port $LMTP_PORT is not a port number"
[[ -x "$HOSTD_HOME/bin/hostd" ]] || die "$HOSTD_HOME/bin/hostd not found: give --hostd-home (the unpacked distribution)"
for f in apache/hostd-php.conf apache/hostd-vhost.conf apache/php-cgi-wrapper php-fpm/hostd-pool.conf \
         dovecot/90-hostd.conf dovecot/dovecot-sql.conf.ext postfix/main.cf.hostd postfix/master.cf.hostd \
         postfix/hostd-domains.cf postfix/hostd-mailboxes.cf postfix/hostd-aliases.cf systemd/hostd.service; do
  [[ -f "$KIT/$f" ]] || die "kit file $KIT/$f is missing"
done
for cmd in apache2ctl a2enmod a2enconf a2ensite dovecot doveconf postconf postmap postfix java setpriv runuser; do
  command -v "$cmd" >/dev/null || die "$cmd not found: install the packages the README lists (apt-get install ...)"
done
for pkg in libapache2-mod-fcgid dovecot-imapd dovecot-lmtpd dovecot-managesieved dovecot-sieve dovecot-sqlite \
           postfix-sqlite; do
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null)" == installed ]] \
    || die "package $pkg is not installed (apt-get install $pkg)"
done
if [[ -n "$ACCOUNT" ]]; then
  [[ "$ACCOUNT" =~ ^[a-z0-9_-]{1,32}$ ]] || die "--account $ACCOUNT: a-z, 0-9, '-', '_'"
  WEBSPACE=${WEBSPACE:-/srv/www/$ACCOUNT}
  UNIX_USER=${UNIX_USER:-$ACCOUNT}
  [[ "$WEBSPACE" =~ $SAFE ]] || die "$WEBSPACE: give an absolute path of letters, digits and . _ / + -"
  [[ "$UNIX_USER" =~ ^[a-z_][a-z0-9_-]{0,31}$ ]] || die "--unix-user $UNIX_USER is not a Unix user name"
  for d in "${DOCROOTS[@]}"; do
    [[ "$d" =~ ^[A-Za-z0-9._/-]+=https?://[A-Za-z0-9.-]+(:[0-9]+)?/ ]] || die "--docroot $d: give SUBDIR=URL"
  done
  for d in "${DOMAINS[@]}"; do
    [[ "$d" =~ ^[A-Za-z0-9.-]+$ ]] || die "--domain $d is not a domain name"
  done
elif [[ ${#DOCROOTS[@]} -gt 0 || ${#DOMAINS[@]} -gt 0 || -n "$WEBSPACE" || -n "$UNIX_USER" ]]; then
  die "--docroot, --domain, --webspace and --unix-user belong to an --account"
fi

SYSTEMD=no
[[ -d /run/systemd/system ]] && SYSTEMD=yes

# PHP on this host, as hostd finds it: CGI branches (php-cgiX.Y) and php-fpm branches (php-fpmX.Y).
mapfile -t CGI_BRANCHES < <(find /usr/bin -maxdepth 1 -name 'php-cgi[0-9]*.[0-9]*' -printf '%f\n' \
  | sed 's/^php-cgi//' | sort -V)
mapfile -t FPM_BRANCHES < <(find /usr/sbin -maxdepth 1 -name 'php-fpm[0-9]*.[0-9]*' -printf '%f\n' \
  | sed 's/^php-fpm//' | sort -V)
[[ ${#CGI_BRANCHES[@]} -gt 0 ]] || die "no php-cgi program in /usr/bin (apt-get install php8.2-cgi)"
handler_of() { echo "php${1//./}-cgi"; }
DEFAULT_BRANCH=${CGI_BRANCHES[-1]}
DEFAULT_HANDLER=$(handler_of "$DEFAULT_BRANCH")

# ---------------------------------------------------------------------------------------------- helpers

# fill FILE KEY=VALUE...: the kit file with the placeholders filled in; fails on one left over.
fill() {
  local file=$1 text kv
  shift
  text=$(cat "$KIT/$file")
  # the directories the files' opening comments name, in every file
  for kv in "$@" DOVECOT_ETC=/etc/dovecot POSTFIX_ETC=/etc/postfix HANDLER_DIR="$HANDLER_DIR"; do
    text=${text//"@${kv%%=*}@"/"${kv#*=}"}
  done
  if [[ "$text" =~ @[A-Z][A-Z_]*@ ]]; then
    die "$file: placeholder ${BASH_REMATCH[0]} not filled in"
  fi
  printf '%s' "$text"
}

# put DEST MODE OWNER:GROUP TEXT: installs TEXT as DEST when it differs; returns 0 when it changed.
put() {
  local dest=$1 mode=$2 owner=$3 tmp
  tmp=$(mktemp)
  printf '%s\n' "$4" > "$tmp"
  if [[ -f "$dest" ]] && cmp -s "$tmp" "$dest"; then
    rm -f "$tmp"
    chmod "$mode" "$dest"; chown "$owner" "$dest"
    return 1
  fi
  install -D -m "$mode" -o "${owner%%:*}" -g "${owner#*:}" "$tmp" "$dest"
  rm -f "$tmp"
  log "wrote $dest"
  return 0
}

# run_logged COMMAND...: runs it with its output in a file (a daemon it starts keeps no pipe of ours open);
# on failure stops with its last line.
run_logged() {
  local out rc=0
  out=$(mktemp)
  "$@" < /dev/null > "$out" 2>&1 || rc=$?
  if [[ $rc -ne 0 ]]; then
    local last
    last=$(awk 'NF { l = $0 } END { print l }' "$out")
    rm -f "$out"
    die "$* failed (exit $rc)${last:+: $last}"
  fi
  rm -f "$out"
}

# checked WHAT COMMAND...: a configuration test; on failure stops with its first error line.
checked() {
  local what=$1 out
  shift
  out=$("$@" 2>&1 < /dev/null) && return 0
  die "$what: $(awk 'NF && !/^Syntax OK/ { print; exit }' <<<"$out")"
}

# service_do ACTION NAME with or without systemd; ACTION start-or-reload starts a stopped service.
service_do() {
  local action=$1 name=$2
  if [[ $SYSTEMD == yes ]]; then
    run_logged systemctl enable --quiet "$name"
    case "$action" in
      start-or-reload) run_logged systemctl reload-or-restart "$name" ;;
      restart) run_logged systemctl restart "$name" ;;
    esac
  else
    case "$action" in
      start-or-reload)
        if "/etc/init.d/$name" status < /dev/null > /dev/null 2>&1; then run_logged "/etc/init.d/$name" reload
        else run_logged "/etc/init.d/$name" start; fi ;;
      restart) run_logged "/etc/init.d/$name" restart ;;
    esac
  fi
}

# As hostd's user, as the unit runs it.
as_hostd() {
  (umask 0007; setpriv --reuid hostd --regid hostd-store --init-groups --inh-caps +chown,+dac_override,+fowner \
     --ambient-caps +chown,+dac_override,+fowner -- env HOME="$DATA_DIR" "$HOSTD_HOME/bin/hostd" --data "$DATA_DIR" "$@")
}

# ---------------------------------------------------------------------------------------------- users, groups

ensure_users() {
  getent group hostd-store >/dev/null || groupadd --system hostd-store
  id hostd >/dev/null 2>&1 || useradd --system --home-dir "$DATA_DIR" --no-create-home --shell /usr/sbin/nologin hostd
  local u
  for u in hostd postfix dovecot; do
    id -nG "$u" | tr ' ' '\n' | grep -qx hostd-store || usermod -aG hostd-store "$u"
  done
  # Dovecot refuses mail users below first_valid_uid (500): a system user with a uid from 500 up
  if ! id "$VMAIL_USER" >/dev/null 2>&1; then
    useradd --system --user-group -K SYS_UID_MIN=500 -K SYS_GID_MIN=500 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin "$VMAIL_USER"
  fi
  [[ $(id -u "$VMAIL_USER") -ge 500 ]] || die "$VMAIL_USER has uid $(id -u "$VMAIL_USER"), below Dovecot's first_valid_uid 500"
}

# ---------------------------------------------------------------------------------------------- hostd

HOSTD_YAML_CHANGED=no

# hostd.yaml, written by hostd on first use; then the settings this set-up needs.
hostd_config() {
  # 2770 (the store's group may create -wal/-shm); o+x when Dovecot's mail user must reach mail.root inside it
  install -d -o hostd -g hostd-store -m 2770 "$DATA_DIR"
  case "$MAIL_ROOT/" in "$DATA_DIR"/*) chmod 2771 "$DATA_DIR" ;; esac
  install -d -o "$VMAIL_USER" -g "$VMAIL_USER" -m 0770 "$MAIL_ROOT"
  install -d -o hostd -g hostd -m 0755 /run/hostd
  local yaml=$DATA_DIR/hostd.yaml
  if [[ ! -f "$yaml" ]]; then
    as_hostd account list >/dev/null
    [[ -f "$yaml" ]] || die "hostd did not create $yaml"
    local versions="" b
    for b in "${CGI_BRANCHES[@]}"; do
      versions+="    - {version: \"$b\", type: cgi, handler: $(handler_of "$b"), binary: /usr/bin/php-cgi$b}"$'\n'
    done
    for b in "${FPM_BRANCHES[@]}"; do
      versions+="    - {version: \"$b-fpm\", branch: \"$b\", type: fpm, socket: \"/run/php/php$b-fpm-{account}.sock\"}"$'\n'
    done
    local mail_root=$MAIL_ROOT
    case "$MAIL_ROOT/" in "$DATA_DIR"/*) mail_root=${MAIL_ROOT#"$DATA_DIR"/} ;; esac
    # the sections hostd wrote: socket, web, php (versions it found: replaced by CGI and per-account FPM
    # versions), mail (root, this host's Dovecot as backend), maillog (Postfix's log)
    awk -v socket="$SOCKET" -v def="$DEFAULT_BRANCH" -v versions="$versions" -v root="$mail_root" \
        -v lmtp="$LMTP_PORT" -v maillog="$MAILLOG" '
      function section(line) { if (line ~ /^[a-z]/) { sub(/:.*/, "", line); sec = line } }
      skipping && /^    [-a-z ]/ { next }
      { skipping = 0; section($0) }
      /^socket:/ { print "socket: " socket; next }
      sec == "web" && /^  connectHost:/ { print "  connectHost: 127.0.0.1"; next }
      sec == "php" && /^  default:/ { print "  default: \"" def "\""; next }
      sec == "php" && /^  versions:/ { printf "  versions:\n%s", versions; skipping = 1; next }
      sec == "mail" && /^  root:/ { print "  root: " root; next }
      sec == "mail" && /^  backends:/ {
        print "  backends:"
        print "    - {name: local, host: 127.0.0.1, imapPort: 143, lmtpPort: " lmtp ", domains: []}"
        next }
      sec == "maillog" && /^  files:/ { print "  files: [" maillog "]"; next }
      { print }' "$yaml" > "$yaml.new"
    chown hostd:hostd-store "$yaml.new"; chmod 0640 "$yaml.new"; mv "$yaml.new" "$yaml"
    log "wrote $yaml"
    HOSTD_YAML_CHANGED=yes
  fi
}

# Adds DOMAINS to the local backend's domains in hostd.yaml.
hostd_backend_domains() {
  local yaml=$DATA_DIR/hostd.yaml d current
  current=$(sed -n 's/^    - {name: local, .*domains: \[\(.*\)\]}$/\1/p' "$yaml")
  grep -q '^    - {name: local, ' "$yaml" || die "$yaml: mail.backends has no entry 'local' (written by $PROG): add the domains there"
  local list=$current
  for d in "${DOMAINS[@]}"; do
    d=${d,,}
    if ! tr ',' '\n' <<<"$current" | tr -d ' ' | grep -qx "$d"; then
      list=${list:+$list, }$d
    fi
  done
  if [[ "$list" != "$current" ]]; then
    sed -i "s/^\(    - {name: local, .*domains: \[\).*\(\]}\)$/\1$list\2/" "$yaml"
    log "mail domains of this host's Dovecot: $list"
    HOSTD_YAML_CHANGED=yes
  fi
}

hostd_unit() {
  if [[ $SYSTEMD == yes ]]; then
    local unit
    unit=$(fill systemd/hostd.service HOSTD_HOME="$HOSTD_HOME" DATA_DIR="$DATA_DIR")
    if put /etc/systemd/system/hostd.service 0644 root:root "$unit"; then
      systemctl daemon-reload
      HOSTD_YAML_CHANGED=yes
    fi
  fi
}

HOSTD_PID=/run/hostd.pid

hostd_running() {
  if [[ $SYSTEMD == yes ]]; then
    systemctl is-active --quiet hostd
  else
    [[ -f $HOSTD_PID ]] && kill -0 "$(cat $HOSTD_PID)" 2>/dev/null
  fi
}

# Without systemd: as the unit does (user hostd, group hostd-store, the three capabilities), in the background.
hostd_start_direct() {
  install -d -o hostd -g hostd -m 0755 /run/hostd
  (umask 0007; cd "$DATA_DIR" && exec setsid setpriv --reuid hostd --regid hostd-store --init-groups \
     --inh-caps +chown,+dac_override,+fowner --ambient-caps +chown,+dac_override,+fowner \
     -- env HOME="$DATA_DIR" "$HOSTD_HOME/bin/hostd" serve --data "$DATA_DIR" --socket "$SOCKET" \
     >> /var/log/hostd.log 2>&1 < /dev/null) &
  echo $! > "$HOSTD_PID"
}

hostd_stop_direct() {
  local pid
  pid=$(cat "$HOSTD_PID")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$HOSTD_PID"
}

hostd_start() {
  if hostd_running && [[ $HOSTD_YAML_CHANGED == no ]]; then
    return
  fi
  if [[ $SYSTEMD == yes ]]; then
    systemctl enable --quiet hostd
    systemctl restart hostd
  else
    hostd_running && hostd_stop_direct
    hostd_start_direct
  fi
  local i listen
  listen=$(sed -n 's/^listen: *\([0-9.]*\):\([0-9]*\) *$/\1\/\2/p' "$DATA_DIR/hostd.yaml")
  listen=${listen:-127.0.0.1/8640}
  for i in $(seq 1 150); do
    if [[ -S "$SOCKET" ]] && (exec 3<>"/dev/tcp/$listen") 2>/dev/null; then
      log "hostd serves on $SOCKET and ${listen/\//:}"
      return
    fi
    hostd_running || break
    sleep 0.2
  done
  if [[ $SYSTEMD == yes ]]; then
    die "hostd did not start: journalctl -u hostd"
  else
    die "hostd did not start: $(awk 'NF { l = $0 } END { print l }' /var/log/hostd.log 2>/dev/null)"
  fi
}

# ---------------------------------------------------------------------------------------------- Apache, PHP

apache_setup() {
  local b h t changed=no
  for b in "${CGI_BRANCHES[@]}"; do
    h=$(handler_of "$b")
    t=$(fill apache/php-cgi-wrapper HANDLER_DIR="$HANDLER_DIR" HANDLER="$h" PHP_CGI="/usr/bin/php-cgi$b" PHP_INI_DIR="/etc/php/$b/cgi")
    put "$HANDLER_DIR/$h.fcgi" 0755 root:root "$t" && changed=yes
  done
  local actions=""
  for b in "${CGI_BRANCHES[@]}"; do
    h=$(handler_of "$b")
    actions+="Action $h /.hostd-php/$h.fcgi"$'\n'
  done
  t=$(fill apache/hostd-php.conf HANDLER_DIR="$HANDLER_DIR")
  t=$(awk -v actions="$actions" '/^Action / { next } { print } /^# One line per CGI handler/ { printf "%s", actions }' \
    <<<"$t")
  put /etc/apache2/conf-available/hostd-php.conf 0644 root:root "$t" && changed=yes
  a2enmod -q actions alias fcgid mime proxy_fcgi rewrite >/dev/null
  a2enconf -q hostd-php >/dev/null
  APACHE_CHANGED=$changed
}

cgi_handlers_quoted() {
  local b out=""
  for b in "${CGI_BRANCHES[@]}"; do out+="${out:+, }'$(handler_of "$b")'"; done
  echo "$out"
}

account_setup() {
  id "$UNIX_USER" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$UNIX_USER"
  local group
  group=$(id -gn "$UNIX_USER")
  install -d -o "$UNIX_USER" -g "$group" -m 0755 "$WEBSPACE"
  local d sub url host site t
  for d in "${DOCROOTS[@]}"; do
    sub=${d%%=*}; url=${d#*=}
    host=${url#*://}; host=${host%%/*}; host=${host%%:*}
    install -d -o "$UNIX_USER" -g "$group" -m 0755 "$WEBSPACE/$sub"
    site=hostd-$ACCOUNT-${sub//\//-}
    t=$(fill apache/hostd-vhost.conf ADDRESS="$ADDRESS" SERVER_NAME="$host" WEBSPACE="$WEBSPACE" \
        DOCROOT="$WEBSPACE/$sub" DEFAULT_HANDLER="$DEFAULT_HANDLER" CGI_HANDLERS="$(cgi_handlers_quoted)")
    put "/etc/apache2/sites-available/$site.conf" 0644 root:root "$t" && APACHE_CHANGED=yes
    a2ensite -q "$site" >/dev/null
  done
  local b
  for b in "${FPM_BRANCHES[@]}"; do
    t=$(fill php-fpm/hostd-pool.conf POOL="$ACCOUNT" USER="$UNIX_USER" GROUP="$group" \
        SOCKET="/run/php/php$b-fpm-$ACCOUNT.sock" WEB_USER=www-data)
    put "/etc/php/$b/fpm/pool.d/$ACCOUNT.conf" 0644 root:root "$t" && FPM_CHANGED=yes
  done
  return 0
}

# The account and its domains in hostd (after php-fpm runs its pool).
account_hostd() {
  local d docroots=()
  for d in "${DOCROOTS[@]}"; do docroots+=(--docroot "$d"); done
  if ! as_hostd account show "$ACCOUNT" >/dev/null 2>&1; then
    as_hostd account add "$ACCOUNT" --webspace "$WEBSPACE" --unix-user "$UNIX_USER" "${docroots[@]}" >/dev/null
    log "hostd account $ACCOUNT added (Unix user $UNIX_USER)"
  fi
  for d in "${DOMAINS[@]}"; do
    if ! as_hostd domain list "$ACCOUNT" | awk 'NR > 1 { print $1 }' | grep -qix "$d"; then
      as_hostd domain add "$ACCOUNT" "$d" >/dev/null
      log "mail domain $d added to $ACCOUNT"
    fi
  done
}

php_fpm_start() {
  local b
  for b in "${FPM_BRANCHES[@]}"; do
    checked "php-fpm$b -t" php-fpm"$b" -t
    if [[ ${FPM_CHANGED:-no} == yes ]]; then service_do restart "php$b-fpm"; else service_do start-or-reload "php$b-fpm"; fi
  done
}

apache_start() {
  checked "apache2ctl -t" apache2ctl -t
  service_do start-or-reload apache2
}

# ---------------------------------------------------------------------------------------------- Dovecot, Postfix

dovecot_setup() {
  local t
  t=$(fill dovecot/90-hostd.conf DOVECOT_ETC=/etc/dovecot VMAIL_USER="$VMAIL_USER" VMAIL_GROUP="$VMAIL_USER" \
      LMTP_PORT="$LMTP_PORT" POSTFIX_SPOOL=/var/spool/postfix)
  put /etc/dovecot/conf.d/90-hostd.conf 0644 root:root "$t" || true
  t=$(fill dovecot/dovecot-sql.conf.ext SQL_DRIVER=sqlite SQL_CONNECT="$DATA_DIR/hostd.db" MAIL_ROOT="$MAIL_ROOT")
  put /etc/dovecot/dovecot-sql.conf.ext 0640 root:dovecot "$t" || true
  checked "doveconf -n" doveconf -n
  service_do start-or-reload dovecot
}

BEGIN_MARK="# BEGIN hostd provider kit (install.sh)"
END_MARK="# END hostd provider kit (install.sh)"

# FILE without the block this script wrote before.
without_block() {
  awk -v b="$BEGIN_MARK" -v e="$END_MARK" '$0 == b { skip = 1 } !skip { print } $0 == e { skip = 0 }' "$1"
}

postfix_setup() {
  local changed=no t text services
  for t in domains mailboxes aliases; do
    text=$(fill "postfix/hostd-$t.cf" SQLITE_DB="$DATA_DIR/hostd.db")
    put "/etc/postfix/hostd-$t.cf" 0640 root:postfix "$text" && changed=yes
  done
  # main.cf: the kit's lines appended in a marked block (replaced when run again)
  text=$(fill postfix/main.cf.hostd POSTFIX_ETC=/etc/postfix MAP_TYPE=sqlite LMTP_PORT="$LMTP_PORT" MAILLOG="$MAILLOG")
  text=$(without_block /etc/postfix/main.cf; printf '%s\n%s\n%s' "$BEGIN_MARK" "$text" "$END_MARK")
  put /etc/postfix/main.cf 0644 root:root "$text" && changed=yes
  # master.cf: the kit's postlog, tlsmgr and submission services replace Debian's lines of the same name.
  # Debian's lines chroot smtpd, cleanup, trivial-rewrite and others into /var/spool/postfix, where hostd's
  # store (the sqlite: tables) is not: no service is chrooted.
  services=$(fill postfix/master.cf.hostd SASL_PATH=private/auth)
  text=$(without_block /etc/postfix/master.cf | awk -v kit="$services" '
    BEGIN { n = split(kit, lines, "\n")
            for (i = 1; i <= n; i++) if (lines[i] ~ /^[a-z]/) { split(lines[i], f, /[ \t]+/); name[f[1] "/" f[2]] = 1 } }
    /^[a-z]/ { drop = ($1 "/" $2) in name; if (!drop && NF >= 8 && $5 != "n") $5 = "n" }
    /^#/ || /^$/ { drop = 0 }
    !drop { print }'; printf '%s\n%s\n%s' "$BEGIN_MARK" "$services" "$END_MARK")
  put /etc/postfix/master.cf 0644 root:root "$text" && changed=yes
  checked "postfix check" postfix check
  if [[ $changed == yes ]]; then service_do restart postfix; else service_do start-or-reload postfix; fi
}

# ---------------------------------------------------------------------------------------------- main

ensure_users
apache_setup
dovecot_setup
postfix_setup
hostd_config
[[ ${#DOMAINS[@]} -eq 0 ]] || hostd_backend_domains
FPM_CHANGED=no
[[ -z "$ACCOUNT" ]] || account_setup
php_fpm_start
[[ -z "$ACCOUNT" ]] || account_hostd
apache_start
hostd_unit
hostd_start
log "done: check with $HOSTD_HOME/bin/hostd doctor --data $DATA_DIR --php-docroot DIR=URL --mailbox ADDRESS"
