#!/usr/bin/env bash
# Writes hostctl's class data sharing archive for the JVM that bin/hostctl will run.
#
#   make-cds.sh DIST        (DIST: the distribution directory holding bin/ and lib/)
#
# Runs a few representative hostctl commands (help, and requests that fail to connect to a closed
# port on 127.0.0.1, so that picocli, the commands, OkHttp and Jackson load), then
#   - on JDK 17-24: collects the classes they load and dumps a static AppCDS archive, lib/hostctl.jsa;
#   - on JDK 25 and later: records an AOT cache from the request command, lib/hostctl.aot.
# An archive works only with the JVM that wrote it and the class path it was written for, so
# lib/hostctl.cds-java names that java executable and the distribution directory; bin/hostctl uses the
# archive only when both match, and the JVM itself ignores an archive it cannot use (silently, with
# the launcher's -Xlog flags). The build runs this at package time; run it again as
# 'lib/make-cds.sh DIST' after unpacking the distribution elsewhere or changing the JDK. It never
# fails: without an archive hostctl is only slower.
set -uo pipefail
dist=$(cd "${1:?usage: make-cds.sh DIST}" && pwd -P)
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
java_path=$(readlink -f "$(command -v "$java")") || { echo "make-cds.sh: no java" >&2; exit 0; }
lib=$dist/lib
work=$(mktemp -d "${TMPDIR:-/tmp}/hostctl-cds.XXXXXX")
trap 'rm -rf "$work"' EXIT
rm -f "$lib/hostctl.jsa" "$lib/hostctl.aot" "$lib/hostctl.cds-java"

feature=$("$java_path" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
[ -n "$feature" ] || { echo "make-cds.sh: cannot tell the Java version of $java_path" >&2; exit 0; }

# The commands: no config, a token that is never sent anywhere, a closed port (9, discard).
export XDG_CONFIG_HOME="$work/config" NO_COLOR=1 HOSTCTL_TOKEN=cds-training HOSTCTL_API_URL=http://127.0.0.1:9
unset HOSTCTL_PROFILE HOSTCTL_JAVA_OPTS
jvm=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xss1m -cp "$lib/cli/*")
commands=(
  "--help"
  "php --help"
  "php show public_html -o json"
  "--api-url unix:$work/no-hostd.sock php show public_html -o json"
  "php set 8.3 public_html --dry-run -o yaml"
  "status"
  "completion bash"
)
log() { printf 'make-cds.sh: %s\n' "$*" >&2; }

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
fi
exit 0
