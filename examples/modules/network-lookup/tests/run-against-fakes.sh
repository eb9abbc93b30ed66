#!/usr/bin/env bash
# Runs the module's tests against the fake managers, from anywhere: starts fakemanager with
# the tests' fixture (its CA where the tests' provider block reads it), hands the fakes'
# addresses and credentials to the provider through its own environment variables, runs
# terraform init and terraform test, and stops the fakes. Needs bash, terraform and
# fakemanager (FAKEMANAGER names it when it is not on PATH); nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."

mkdir -p tests/.fakemanager
rm -f tests/.fakemanager/env.sh
"${FAKEMANAGER:-fakemanager}" -fixture tests/fixture.json -nodes 1 \
  -dir tests/.fakemanager -env tests/.fakemanager/env.sh >tests/.fakemanager/announce.json &
fakes=$!
trap 'kill "$fakes" 2>/dev/null || true; wait "$fakes" 2>/dev/null || true' EXIT

# The environment file is written once every fake listens.
for _ in $(seq 100); do
  [ -s tests/.fakemanager/env.sh ] && break
  kill -0 "$fakes" 2>/dev/null || { echo "fakemanager exited" >&2; exit 1; }
  sleep 0.1
done
# shellcheck source=/dev/null
. tests/.fakemanager/env.sh

terraform init -input=false
terraform test
