#!/bin/sh
# `make test-deploy` runs langgraph-api on Debian's PostgreSQL and Redis behind Debian's nginx.
# Installs whichever is missing (as root or through sudo); the tests start them on loopback ports.
set -eu
missing=""
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || missing="$missing postgresql"
command -v redis-server >/dev/null 2>&1 || missing="$missing redis-server"
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$missing nginx"
[ -z "$missing" ] && exit 0
echo "Installing Debian's$missing for the deployment tests..."
if [ "$(id -u)" = 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "error: this user cannot apt-get install$missing. Install them with: apt-get install$missing" >&2
    exit 1
fi
# The packages' own services must not start (nginx would listen on every address, port 80):
# the tests start their own copies on loopback. policy-rc.d is Debian's switch for that.
policy=/usr/sbin/policy-rc.d
added=""
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
    $SUDO chmod +x "$policy"
    added=1
fi
export DEBIAN_FRONTEND=noninteractive
status=0
{ $SUDO apt-get update -qq && $SUDO apt-get install -y -qq $missing >/dev/null; } || status=$?
[ -n "$added" ] && $SUDO rm -f "$policy"
exit $status
