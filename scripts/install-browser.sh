#!/usr/bin/env bash
# Installs Debian's Chromium and ChromeDriver for the browser test (tests/browser.rs), with
# a CJK font so the Chinese pages render as text in its screenshots rather than boxes. Does
# nothing when all are already there. Debian/Ubuntu only.
set -euo pipefail

have_cjk_font() {
  command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh 2>/dev/null | head -n 1)" ]
}

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && have_cjk_font; then
  echo "chromium, chromedriver and a CJK font already installed"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-browser.sh: apt-get not found; install chromium and chromedriver by hand" >&2
  exit 1
fi

as_root=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    as_root="sudo"
  else
    echo "install-browser.sh: not root and no sudo; cannot install chromium" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
# Waits for another apt/dpkg run to let go of its lock instead of failing at once.
apt_opts=(-o DPkg::Lock::Timeout=600)
$as_root env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" update
$as_root env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y \
  chromium chromium-driver fonts-wqy-zenhei

/usr/bin/chromium --version
/usr/bin/chromedriver --version
