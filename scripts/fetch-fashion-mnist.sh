#!/usr/bin/env bash
# Puts Zalando's Fashion-MNIST (60,000 training + 10,000 test images, 28×28 grey, IDX format, gzipped) into
# data/fashion-mnist/, where `simdsoftmax train --dataset fashion-mnist` looks first.
# Source: the Debian/Ubuntu package dataset-fashion-mnist (https://github.com/zalandoresearch/fashion-mnist, MIT), which
# installs the four IDX files into /usr/share/datasets/fashion-mnist/. The CLI also finds them there directly; this copy
# is for machines where the package is installed once and the repository is used elsewhere, or for a non-root user.
# Idempotent: files already present are left alone. data/fashion-mnist/ is git-ignored.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=data/fashion-mnist
system=/usr/share/datasets/fashion-mnist
files=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)

missing=()
for f in "${files[@]}"; do [ -s "$dest/$f.gz" ] || [ -s "$dest/$f" ] || missing+=("$f"); done
if [ ${#missing[@]} -eq 0 ]; then
  echo "Fashion-MNIST already present in $dest/ (${files[*]}); nothing to do."
  exit 0
fi

if [ ! -s "$system/${files[0]}.gz" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "fetch-fashion-mnist: installing the Debian package dataset-fashion-mnist (≈ 30 MB) ..."
    apt-get update -qq && apt-get install -y -qq dataset-fashion-mnist >/dev/null
  else
    echo "fetch-fashion-mnist: $system/ is empty. Install the package as root: 'apt-get install dataset-fashion-mnist'," >&2
    echo "  or put the four IDX files (${files[*]}, .gz or plain) from https://github.com/zalandoresearch/fashion-mnist in $dest/ by hand." >&2
    exit 1
  fi
fi

mkdir -p "$dest"
for f in "${missing[@]}"; do
  if [ -s "$system/$f.gz" ]; then cp "$system/$f.gz" "$dest/$f.gz.tmp"
  else echo "fetch-fashion-mnist: the package has no $system/$f.gz; its layout changed." >&2; exit 1
  fi
  mv "$dest/$f.gz.tmp" "$dest/$f.gz"
  echo "  $dest/$f.gz"
done
echo "fetch-fashion-mnist: done. 'simdsoftmax train --dataset fashion-mnist' now uses $dest/."
