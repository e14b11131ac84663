#!/usr/bin/env bash
# The provider set-up end to end on a fresh Debian 12: builds (or takes from the cache) a Debian 12 root with
# exactly the packages the README tells a provider to install, plus curl and a Java 17 runtime; copies the built
# distribution DISTDIR (target/dist) in; and, inside private namespaces (mount, pid, network: nothing touches this
# machine's /etc, ports or processes), runs the distribution's provider/install.sh as the README says, then the
# PHP, mail, Sieve, send-log and status scenarios with the real hostctl against the hostd it started, and
# 'hostd doctor'. Then it breaks one thing at a time (a PHP handler, php-fpm, Dovecot's LMTP listener) and
# checks that doctor names it and that hostctl refuses or reports it, restoring each before the next.
#
#   sudo src/test/provider/debian.sh target/dist
#
# Prints one line per check ("ok ..." or "FAIL ..."), then "N passed, M failed"; exits 1 on any failure.
# The root is cached as /var/cache/hostctl-test/debian-12-KEY.tar, KEY a hash of the package list and
# bootstrap() (not of the archive's address: any mirror gives the same suite); building it needs debootstrap
# and the Debian archive this machine's apt uses (about 2.5 minutes on 2 cores with a fast mirror), unpacking
# it from the cache about 15 seconds; the scenario takes about 2 minutes.
# HOSTCTL_TEST_CACHE overrides the cache directory, HOSTCTL_TEST_LOG the details file.
set -euo pipefail

usage() { echo "usage: $0 DISTDIR (the built distribution, target/dist)" >&2; exit 2; }
[[ $# -eq 1 ]] || usage
[[ $EUID -eq 0 ]] || { echo "debian.sh: run as root (debootstrap, chroot, namespaces)" >&2; exit 2; }
DIST=$(readlink -f "$1")
[[ -x "$DIST/bin/hostd" && -x "$DIST/bin/hostctl" && -x "$DIST/provider/install.sh" ]] \
  || { echo "debian.sh: $1 is not a built distribution (bin/hostd, bin/hostctl, provider/install.sh)" >&2; exit 2; }

CACHE=${HOSTCTL_TEST_CACHE:-/var/cache/hostctl-test}
# The Debian archive this machine's apt uses (its first deb source that is not the security archive), so that the
# root comes from where the machine's own packages come from; HOSTCTL_TEST_MIRROR overrides it.
host_mirror() {
  local uri
  uri=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | tr ' ' '\n' \
    | grep -v -e security -e '^$' | head -n 1)
  if [[ -z "$uri" ]]; then
    uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | grep -E '^[[:space:]]*deb[[:space:]]' \
      | grep -v security | grep -oE '[a-z+]+://[^[:space:]]+' | head -n 1)
  fi
  printf '%s\n' "${uri%/}"
}
MIRROR=${HOSTCTL_TEST_MIRROR:-$(host_mirror)}
[[ -n "$MIRROR" ]] || { echo "debian.sh: no Debian archive in /etc/apt/sources*; set HOSTCTL_TEST_MIRROR" >&2; exit 2; }
SUITE=bookworm

# What the README tells a provider to install (Apache and PHP, Dovecot, Postfix), and what this test needs
# besides: curl (HTTP, IMAP and SMTP client) and the Java 17 runtime hostd and hostctl run on.
PACKAGES=(
  apache2 libapache2-mod-fcgid php8.2-cgi php8.2-fpm
  dovecot-imapd dovecot-lmtpd dovecot-managesieved dovecot-sieve dovecot-sqlite
  postfix postfix-sqlite
  curl openjdk-17-jre-headless
)

log() { printf 'debian.sh: %s\n' "$*" >&2; }

# Builds the root in $1: debootstrap's first stage (download, unpack) on this machine's network, then a
# policy-rc.d so that no package starts a service, then the second stage (configuring every package) without
# network, in its own namespaces, so that nothing a maintainer script starts can reach this machine's ports.
bootstrap() {
  local root=$1
  debootstrap --foreign --variant=minbase --include="$(IFS=,; echo "${PACKAGES[*]}")" \
    "$SUITE" "$root" "$MIRROR" >&2
  printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
  chmod 0755 "$root/usr/sbin/policy-rc.d"
  # loopback up: Postfix's postinst (newaliases) wants an active interface
  if ! unshare --mount --pid --net --fork --kill-child sh -c 'ip link set lo up &&
      exec env DEBIAN_FRONTEND=noninteractive chroot "$1" /debootstrap/debootstrap --second-stage' sh "$root" \
      < /dev/null >&2; then
    tail -n 60 "$root/debootstrap/debootstrap.log" >&2
    return 1
  fi
  rm -f "$root/usr/sbin/policy-rc.d"
  chroot "$root" apt-get clean
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin
}

KEY=$( { printf '%s\n' "${PACKAGES[@]}" "$SUITE"; declare -f bootstrap; } | sha256sum | cut -c1-16)
TARBALL=$CACHE/debian-12-$KEY.tar

# A root cached by an earlier version of this script (another key) is taken when it has every package.
reuse_earlier() {
  local other pkg listing
  for other in "$CACHE"/debian-12-*.tar; do
    [[ -f "$other" && "$other" != "$TARBALL" ]] || continue
    listing=$(tar tf "$other" 2>/dev/null \
      | sed -n 's|^\./var/lib/dpkg/info/\([^:]*\)\(:[a-z0-9]*\)\?\.list$|\1|p') || continue
    for pkg in "${PACKAGES[@]}"; do
      grep -qx "$pkg" <<<"$listing" || continue 2
    done
    ln "$other" "$TARBALL" 2>/dev/null || cp "$other" "$TARBALL"
    log "taking $other (it has every package) as $TARBALL"
    return 0
  done
  return 1
}

WORK=
BOOTSTRAP_LOG=
cleanup() {
  local rc=$?
  if [[ -n "$BOOTSTRAP_LOG" && $rc -ne 0 ]]; then
    echo "debian.sh: building the root failed; the end of $BOOTSTRAP_LOG:" >&2
    tail -n 40 "$BOOTSTRAP_LOG" >&2
  fi
  if [[ -n "$WORK" && -d "$WORK" ]]; then
    # the mounts lived in the namespace, which is gone with its last process; never cross into a mount
    if findmnt -rno TARGET | grep -q "^$WORK/"; then
      log "mounts left under $WORK; not removing it"
    else
      rm -rf --one-file-system "$WORK"
    fi
  fi
}
trap cleanup EXIT

mkdir -p "$CACHE"
if [[ ! -f "$TARBALL" ]] && ! reuse_earlier; then
  log "building the Debian 12 root (cache $TARBALL)"
  command -v debootstrap >/dev/null || { echo "debian.sh: debootstrap is not installed" >&2; exit 2; }
  build=$(mktemp -d /var/tmp/hostctl-debootstrap.XXXXXX)
  WORK=$build
  mkdir -m 0755 "$build/root"
  BOOTSTRAP_LOG=$CACHE/debian-12-$KEY.log
  bootstrap "$build/root" > "$BOOTSTRAP_LOG" 2>&1
  rm -f "$BOOTSTRAP_LOG"
  BOOTSTRAP_LOG=
  tar --numeric-owner -C "$build/root" -cf "$TARBALL.tmp" .
  mv "$TARBALL.tmp" "$TARBALL"
  rm -rf --one-file-system "$build"
  WORK=
fi

WORK=$(mktemp -d /var/tmp/hostctl-debian.XXXXXX)
chmod 0755 "$WORK"
ROOT=$WORK/root
mkdir "$ROOT"
tar --numeric-owner -C "$ROOT" -xf "$TARBALL"
chmod 0755 "$ROOT"   # / of the system: every user passes it (the tarball may carry a build directory's 0700)
mkdir -p "$ROOT/opt"
cp -a "$DIST" "$ROOT/opt/hostctl"
chmod -R a+rX "$ROOT/opt/hostctl"
install -m 0755 "$(dirname "$(readlink -f "$0")")/debian-scenario.sh" "$ROOT/root/scenario.sh"

# Inside: a new mount, pid and network namespace (only loopback, brought up here), /proc of that pid
# namespace, /dev and a fresh /run, then the scenario in the chroot. When it ends, every process it started
# ends with the namespace.
set +e
timeout --kill-after=10 1200 unshare --mount --pid --net --fork --kill-child --propagation private bash -c '
  set -e
  root=$1
  ip link set lo up
  mount -t proc proc "$root/proc"
  mount --rbind /dev "$root/dev"
  mount -t tmpfs -o mode=0755 tmpfs "$root/run"
  mkdir -m 1777 "$root/run/lock"   # as at boot (/var/lock)
  mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
  exec chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LANG=C.UTF-8 TERM=dumb /bin/bash /root/scenario.sh
' debian-root "$ROOT"
rc=$?
set -e
# what every check printed, and the services' logs, for a look after a failure
SCENARIO_LOG=${HOSTCTL_TEST_LOG:-/var/tmp/hostctl-debian-scenario.log}
{ cat "$ROOT/root/scenario.log" 2>/dev/null
  for f in var/log/hostd.log var/log/postfix.log var/log/apache2/error.log var/log/php8.2-fpm.log; do
    [[ -f "$ROOT/$f" ]] && { echo "== /$f"; tail -n 200 "$ROOT/$f"; }
  done; } > "$SCENARIO_LOG" 2>&1 || true
[[ $rc -eq 0 ]] || log "details: $SCENARIO_LOG"
if [[ $rc -eq 124 || $rc -eq 137 ]]; then
  echo "FAIL the scenario did not finish within 20 minutes"
  echo "0 passed, 1 failed"
fi
exit $((rc == 0 ? 0 : 1))
