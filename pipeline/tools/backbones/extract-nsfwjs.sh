#!/usr/bin/env bash
# Extracts a TF.js layers model from the npm package nsfwjs@4.4.0 (MIT, Infinite Red) into a
# plain model.json + weights.bin, the form `transferlake backbone import` reads.
#
#   extract-nsfwjs.sh mobilenet_v2 OUT_DIR    # the bundled backbone (224x224; cut: ModelStore)
#   extract-nsfwjs.sh inception_v3 OUT_DIR    # on demand only, not committed (299x299, 2048-d)
#
# The package ships each model as browserify CommonJS modules: one exports
# {modelTopology, weightsManifest}, the others a base64 string of the weight bytes per shard.
set -euo pipefail
model="${1:?model: mobilenet_v2 | inception_v3}"
out="${2:?output directory}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent nsfwjs@4.4.0 >/dev/null && tar xzf nsfwjs-4.4.0.tgz)
mkdir -p "$out"
node - "$work/package/dist/models/$model" "$out" <<'JS'
const fs = require('fs');
const path = require('path');
const [dir, out] = process.argv.slice(2);
const model = require(path.join(dir, 'model.min.js'));
const shards = fs.readdirSync(dir).filter(f => f.startsWith('group1-shard')).sort();
const bytes = Buffer.concat(shards.map(f => Buffer.from(require(path.join(dir, f)), 'base64')));
const manifest = [{ paths: ['weights.bin'], weights: model.weightsManifest.flatMap(group => group.weights) }];
fs.writeFileSync(path.join(out, 'model.json'), JSON.stringify({ modelTopology: model.modelTopology, weightsManifest: manifest }));
fs.writeFileSync(path.join(out, 'weights.bin'), bytes);
console.log(`${out}: ${manifest[0].weights.length} weight tensors, ${bytes.length} bytes from ${shards.length} shard(s)`);
JS
cp "$work/package/LICENSE" "$out/LICENSE"
