#!/usr/bin/env bash
# Writes hostctl's class data sharing archive for the JVM that bin/hostctl will run.
#
#   make-cds.sh DIST        (DIST: the distribution directory holding bin/ and lib/)
#
# Runs a few representative hostctl commands, then
#   - on JDK 17-24: collects the classes they load and dumps a static AppCDS archive, lib/hostctl.jsa;
#   - on JDK 25 and later: records an AOT cache from the request command, lib/hostctl.aot.
# The requests go to a private hostd (lib/hostd, on a free 127.0.0.1 port with a temporary data
# directory, stopped by its process id), so that the archive holds what a request that succeeds
# loads: reading the reply and printing it, not only the connection attempt. Without lib/hostd, or when
# it does not start, they go to a closed port on 127.0.0.1 instead. One command goes to that hostd's local
# socket (as the user running this script: mapped to the training account unless that is root, which gets
# hostd's refusal), so that the socket transport is archived too. One goes over HTTPS (JDK 17-24), so that
# the JDK's TLS classes, about a thousand, come from an archive too, lib/hostctl-tls.jsa, recorded by that
# run as a dynamic archive on top of lib/hostctl.jsa (bin/hostctl maps it for https only): to openssl's test server
# (`openssl s_server -www`, on a free 127.0.0.1 port, stopped by its process id) with a self-signed
# certificate for 127.0.0.1 that only this run trusts; its reply is a page, not JSON, which is enough to
# load what a handshake, the trust store and the request load. Without openssl that command is left out.
# An archive works only with the JVM that wrote it and the class path it was written for, so
# lib/hostctl.cds-java names that java executable and the distribution directory; bin/hostctl uses the
# archive only when both match (and runs that java when neither HOSTCTL_JAVA nor JAVA_HOME names
# another), and the JVM itself ignores an archive it cannot use (silently, with the launcher's -Xlog
# flags). The build runs this at package time; run it again as 'lib/make-cds.sh DIST' after unpacking
# the distribution elsewhere or to move hostctl to another JDK (JAVA_HOME=/path/to/jdk-25 lib/make-cds.sh
# DIST). It never fails: without an archive hostctl is only slower.
set -uo pipefail
dist=$(cd "${1:?usage: make-cds.sh DIST}" && pwd -P)
java=${HOSTCTL_JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}
java_path=$(readlink -f "$(command -v "$java")") || { echo "make-cds.sh: no java" >&2; exit 0; }
lib=$dist/lib
log() { printf 'make-cds.sh: %s\n' "$*" >&2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/hostctl-cds.XXXXXX")
hostd_pid=
tls_pid=
cleanup() {
  if [ -n "$hostd_pid" ]; then kill "$hostd_pid" 2>/dev/null; wait "$hostd_pid" 2>/dev/null; fi
  if [ -n "$tls_pid" ]; then kill "$tls_pid" 2>/dev/null; wait "$tls_pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT
rm -f "$lib/hostctl.jsa" "$lib/hostctl-tls.jsa" "$lib/hostctl.aot" "$lib/hostctl.cds-java"

feature=$("$java_path" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
[ -n "$feature" ] || { echo "make-cds.sh: cannot tell the Java version of $java_path" >&2; exit 0; }

# The commands: no config; a private hostd when it starts, else a closed port (9, discard) and a token that
# is never sent anywhere.
export XDG_CONFIG_HOME="$work/config" NO_COLOR=1 HOSTCTL_TOKEN=cds-training HOSTCTL_API_URL=http://127.0.0.1:9
unset HOSTCTL_PROFILE HOSTCTL_JAVA_OPTS HOSTD_JAVA_OPTS
start_hostd() {
  [ -d "$lib/hostd" ] || return 1
  local hostd=("$java_path" -cp "$lib/cli/*:$lib/hostd/*" org.hostctl.server.HostdMain) url token
  mkdir -p "$work/webspace/public_html"
  "${hostd[@]}" serve --data "$work/data" --listen 127.0.0.1:0 --socket "$work/api.sock" \
    > "$work/hostd.out" 2> "$work/hostd.log" < /dev/null &
  hostd_pid=$!
  for _ in $(seq 1 300); do
    grep -q 'listening on' "$work/hostd.out" 2>/dev/null && break
    kill -0 "$hostd_pid" 2>/dev/null || return 1
    sleep 0.1
  done
  url=$(sed -n 's/^hostd listening on //p' "$work/hostd.out")
  [ -n "$url" ] || return 1
  local unix_user=()
  [ "$(id -u)" = 0 ] || unix_user=(--unix-user "$(id -un)")
  "${hostd[@]}" account add training --data "$work/data" --webspace "$work/webspace" \
    --docroot "public_html=http://127.0.0.1:9/" "${unix_user[@]}" > /dev/null 2>&1 < /dev/null || return 1
  token=$("${hostd[@]}" token add training --data "$work/data" 2> /dev/null < /dev/null) && [ -n "$token" ] || return 1
  HOSTCTL_TOKEN=$token HOSTCTL_API_URL=$url
}
if ! start_hostd; then
  log "no private hostd ($(tail -1 "$work/hostd.log" 2>/dev/null)); training against a closed port"
  HOSTCTL_TOKEN=cds-training HOSTCTL_API_URL=http://127.0.0.1:9
fi
jvm=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xss1m -cp "$lib/cli/*")
commands=(
  "--help"
  "php --help"
  "php show public_html -o json"
  "php show public_html"
  "--api-url unix:$work/api.sock php show public_html -o json"
  "php set 8.3 public_html --dry-run -o yaml"
  "status"
  "completion bash"
)

if [ "$feature" -ge 25 ]; then
  # One training run of the request command (an AOT cache is recorded from one run).
  if "$java_path" "${jvm[@]}" -XX:AOTCacheOutput="$work/hostctl.aot" -Xlog:aot=error -Xlog:cds=error \
      org.hostctl.cli.Main php show public_html -o json > /dev/null 2> "$work/err" || [ -s "$work/hostctl.aot" ]; then
    :
  fi
  if [ -s "$work/hostctl.aot" ]; then
    mv "$work/hostctl.aot" "$lib/hostctl.aot"
    printf '%s\n%s\n' "$java_path" "$dist" > "$lib/hostctl.cds-java"
    log "wrote lib/hostctl.aot for $java_path (Java $feature)"
  else
    log "no AOT cache (Java $feature): $(tail -3 "$work/err")"
  fi
  exit 0
fi

i=0
for c in "${commands[@]}"; do
  i=$((i + 1))
  # shellcheck disable=SC2086
  "$java_path" "${jvm[@]}" -Xshare:off -XX:DumpLoadedClassList="$work/$i.classlist" org.hostctl.cli.Main $c \
    > /dev/null 2>&1 < /dev/null
done

# The HTTPS request (see the top): a certificate, a trust store holding only it, openssl's server.
start_tls() {
  local keytool port
  keytool=$(dirname "$java_path")/keytool
  command -v openssl > /dev/null && [ -x "$keytool" ] || return 1
  mkdir "$work/tls"
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
    -keyout "$work/tls/key.pem" -out "$work/tls/cert.pem" > /dev/null 2>&1 < /dev/null || return 1
  "$keytool" -importcert -noprompt -alias training -file "$work/tls/cert.pem" -keystore "$work/tls/trust.jks" \
    -storepass changeit > /dev/null 2>&1 < /dev/null || return 1
  for _ in 1 2 3 4 5; do
    port=$(shuf -i 20000-60000 -n 1)
    openssl s_server -accept "127.0.0.1:$port" -cert "$work/tls/cert.pem" -key "$work/tls/key.pem" -www -quiet \
      > /dev/null 2>&1 < /dev/null &
    tls_pid=$!
    for _ in $(seq 1 30); do
      if (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null; then
        tls_url=https://127.0.0.1:$port
        return 0
      fi
      kill -0 "$tls_pid" 2> /dev/null || break
      sleep 0.1
    done
    kill "$tls_pid" 2> /dev/null; wait "$tls_pid" 2> /dev/null
    tls_pid=
  done
  return 1
}
# Lambda proxies ("@lambda-proxy ...") refer to their classes' ids per list; merge whole lists, dedupe names.
cat "$work"/*.classlist | awk '!seen[$0]++' > "$work/hostctl.classlist"
if "$java_path" -Xshare:dump -XX:+UseG1GC -XX:SharedClassListFile="$work/hostctl.classlist" \
    -XX:SharedArchiveFile="$work/hostctl.jsa" -cp "$lib/cli/*" -Xlog:cds=error > "$work/dump.log" 2>&1 \
    && [ -s "$work/hostctl.jsa" ]; then
  mv "$work/hostctl.jsa" "$lib/hostctl.jsa"
  printf '%s\n%s\n' "$java_path" "$dist" > "$lib/hostctl.cds-java"
  log "wrote lib/hostctl.jsa for $java_path (Java $feature, $(wc -l < "$work/hostctl.classlist") classes listed)"
else
  log "no archive (Java $feature): $(tail -3 "$work/dump.log")"
  exit 0
fi
# The TLS classes go into a second, dynamic archive on top of that one (lib/hostctl-tls.jsa), which bin/hostctl
# maps only for an https API URL: every archived class costs each start a little (the JVM relocates the whole
# archive when it maps it), and a command on the hosting server talks to the local socket, never TLS.
if start_tls; then
  if "$java_path" "${jvm[@]}" -XX:SharedArchiveFile="$lib/hostctl.jsa" -XX:ArchiveClassesAtExit="$work/hostctl-tls.jsa" \
      -Xlog:cds=error -Xlog:cds+dynamic=error \
      -Djavax.net.ssl.trustStore="$work/tls/trust.jks" -Djavax.net.ssl.trustStorePassword=changeit \
      org.hostctl.cli.Main --api-url "$tls_url" php show public_html -o json > "$work/tls.out" 2>&1 < /dev/null \
      || [ -s "$work/hostctl-tls.jsa" ]; then
    :
  fi
  kill "$tls_pid" 2> /dev/null; wait "$tls_pid" 2> /dev/null
  tls_pid=
  if [ -s "$work/hostctl-tls.jsa" ]; then
    mv "$work/hostctl-tls.jsa" "$lib/hostctl-tls.jsa"
    log "wrote lib/hostctl-tls.jsa (the TLS classes, over lib/hostctl.jsa)"
  else
    log "no TLS archive: $(tail -3 "$work/tls.out")"
  fi
else
  log "no HTTPS training request (it needs openssl and keytool): TLS classes are not archived"
fi
exit 0
