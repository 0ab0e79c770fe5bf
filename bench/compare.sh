#!/usr/bin/env bash
# Times `confluence-mdm validate` against the JSON Schema validators people
# would otherwise use, on the same schema and data: check-jsonschema (PyPI),
# ajv-cli (npm) and jsonschema-cli (crates.io). Installs them when missing,
# then runs hyperfine on a typical 5-site file and on a 100,000-site file.
# The figures go to BENCHMARKS.md by hand, with the machine and versions.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${RUNS:-30}
command -v hyperfine >/dev/null || apt-get install -y -qq hyperfine
command -v check-jsonschema >/dev/null || { python3 -m pip install --quiet check-jsonschema; command -v pyenv >/dev/null && pyenv rehash; }
tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
npm install --silent --prefix "$tools/npm" ajv-cli ajv-formats >/dev/null
ajv="$tools/npm/node_modules/.bin/ajv"
command -v jsonschema-cli >/dev/null || cargo install --quiet jsonschema-cli
cargo build --release --quiet
bin=target/release/confluence-mdm
schema=schemas/sites.schema.json

python3 - "$tools" <<'PY'
import hashlib, json, sys
for n in (5, 100_000):
    sites = [{"title": f"Site {i}", "baseURL": f"https://s{i}.example.com/confluence",
              "oauth": {"clientID": hashlib.md5(str(i).encode()).hexdigest(),
                        "cacheSessionInMobileBrowser": i % 2 == 0}} for i in range(n)]
    json.dump(sites, open(f"{sys.argv[1]}/sites-{n}.json", "w"))
PY

echo "versions:"
"$bin" --version
check-jsonschema --version
"$ajv" help >/dev/null 2>&1 && echo "ajv-cli $(node -p "require('$tools/npm/node_modules/ajv-cli/package.json').version")"
jsonschema-cli --version || true

for n in 5 100000; do
    data="$tools/sites-$n.json"
    hyperfine -N --warmup 3 --runs "$runs" --export-markdown "$tools/result-$n.md" \
        -n confluence-mdm "$bin validate --format short $data" \
        -n check-jsonschema "check-jsonschema --schemafile $schema $data" \
        -n ajv-cli "$ajv validate --spec=draft2020 -s $schema -d $data" \
        -n jsonschema-cli "jsonschema-cli validate $schema --instance $data"
    cat "$tools/result-$n.md"
done
