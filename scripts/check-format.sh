#!/usr/bin/env bash
# Checks that C++ sources follow the repository's .clang-format (clang-format 14).
#   scripts/check-format.sh                  every tracked *.h and *.cpp: lists those that differ, exit 1 if any
#   scripts/check-format.sh --fix            rewrites them in place
#   scripts/check-format.sh [--fix] PATH...  only the tracked sources under these paths (from the repository root)
# Only version 14 is accepted: other versions format the same file differently. CLANG_FORMAT names
# the binary when it is not clang-format-14 or clang-format on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

fix=0
if [[ "${1:-}" == --fix ]]; then
  fix=1
  shift
fi
for arg in "$@"; do
  if [[ "$arg" == -* ]]; then
    echo "usage: scripts/check-format.sh [--fix] [PATH...]" >&2
    exit 2
  fi
done

binary=${CLANG_FORMAT:-}
if [[ -z "$binary" ]]; then
  for candidate in clang-format-14 clang-format; do
    if command -v "$candidate" >/dev/null; then
      binary=$candidate
      break
    fi
  done
fi
if [[ -z "$binary" ]]; then
  echo "check-format: clang-format not found; scripts/deps.sh installs it" >&2
  exit 2
fi
version=$("$binary" --version | head -n 1)
if [[ ! "$version" =~ version\ 14\. ]]; then
  echo "check-format: $binary is not clang-format 14 ($version); set CLANG_FORMAT" >&2
  exit 2
fi

mapfile -t files < <(git ls-files -- "$@" | grep -E '\.(h|cpp)$' || true)
if ((${#files[@]} == 0)); then
  echo "check-format: no tracked *.h or *.cpp files${*:+ under $*}" >&2
  exit 2
fi

if ((fix)); then
  "$binary" -i --style=file "${files[@]}"
  echo "check-format: formatted ${#files[@]} files"
  exit 0
fi

differ=()
for file in "${files[@]}"; do
  if ! "$binary" --dry-run --Werror --style=file "$file" >/dev/null 2>&1; then
    differ+=("$file")
  fi
done
if ((${#differ[@]} > 0)); then
  printf '%s\n' "${differ[@]}"
  echo "check-format: ${#differ[@]} of ${#files[@]} files differ from .clang-format;" \
    "scripts/check-format.sh --fix${*:+ $*} rewrites them" >&2
  exit 1
fi
echo "check-format: ${#files[@]} files formatted"
