#!/usr/bin/env bash
# Idempotent set-up of the two other browser engines the tests drive
# (tests/engines/) and the bench measures (bench/engines.mjs):
#
#   - firefox-esr        Firefox ESR (bookworm-security), driven by
#                        puppeteer-core over WebDriver BiDi
#   - webkit2gtk-driver  WebKitWebDriver and MiniBrowser (WebKitGTK), driven
#                        by selenium-webdriver
#   - xvfb               a virtual X display for MiniBrowser when it has
#                        no headless mode
#
# Installs only what is missing; a second run installs nothing.
set -euo pipefail

log() { printf '[setup-engines] %s\n' "$*" >&2; }

missing=()
[ -x /usr/bin/firefox-esr ] || missing+=(firefox-esr)
[ -x /usr/bin/WebKitWebDriver ] || missing+=(webkit2gtk-driver)
command -v Xvfb >/dev/null || missing+=(xvfb)

if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian's ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/tmp/adagg-setup-engines-apt.log 2>&1 \
    || { cat /tmp/adagg-setup-engines-apt.log >&2; exit 1; }
fi
