#!/usr/bin/env bash
# Idempotent machine setup for Pipeline. Prints what it does; a no-op run takes well under 2 s.
#   scripts/setup.sh            system libraries + NuGet restore (when the project files changed)
#   scripts/setup.sh --mnist    also build, then fetch and verify MNIST (`pipeline data fetch mnist`)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

command -v dotnet >/dev/null || die "the .NET 10 SDK is not on PATH. Install it (https://dot.net) and run again."
dotnet_major=$(dotnet --version 2>/dev/null | cut -d. -f1)
[ "${dotnet_major:-0}" -ge 10 ] || die "the .NET SDK is $(dotnet --version); Pipeline needs 10 or newer."

# TorchSharp 0.107 (LibTorch 2.10) needs libstdc++ with GLIBCXX_3.4.32. Debian 12 ships 3.4.30, and
# TorchSharp then reports a missing libtorch package instead of the real cause.
libstdcxx=$( (ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}') || true)
[ -n "$libstdcxx" ] || libstdcxx=/usr/lib/x86_64-linux-gnu/libstdc++.so.6
if ! grep -q GLIBCXX_3.4.32 "$libstdcxx" 2>/dev/null; then
  codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
  [ "$codename" = bookworm ] || die "$libstdcxx lacks GLIBCXX_3.4.32, which TorchSharp 0.107 needs, and this is not Debian 12, where this script knows the fix. Install libstdc++6 from GCC 13 or newer."
  [ "$(id -u)" = 0 ] || die "$libstdcxx lacks GLIBCXX_3.4.32; run this script as root once so it can install libstdc++6 from Debian 13."
  say "libstdc++ lacks GLIBCXX_3.4.32 (TorchSharp needs it): adding Debian 13 (trixie) as a low-priority apt source"
  cat > /etc/apt/sources.list.d/pipeline-trixie.sources <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  # Pinned low: nothing comes from trixie unless asked for with -t trixie.
  printf 'Package: *\nPin: release n=trixie\nPin-Priority: 100\n' > /etc/apt/preferences.d/pipeline-trixie
  say "apt-get update"
  apt-get update -qq || die "apt-get update failed; check the network access to the Debian mirrors."
  say "installing libstdc++6 from trixie (upgrades libc6, removes nothing)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t trixie libstdc++6 >/dev/null \
    || die "apt-get install -t trixie libstdc++6 failed; see the apt output above."
  grep -q GLIBCXX_3.4.32 "$libstdcxx" || die "libstdc++6 was installed but still lacks GLIBCXX_3.4.32."
  say "libstdc++ now provides GLIBCXX_3.4.32"
fi

# Restore only when the project files changed since the last restore (a stamp of their hash).
stamp="$root/.setup/restore.stamp"
hash=$(cd "$root" && cat Directory.Packages.props Directory.Build.props $(git ls-files '*.csproj' 2>/dev/null || find . -name '*.csproj' -not -path './.setup/*') 2>/dev/null | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$hash" ]; then
  say "restoring NuGet packages (first time: TorchSharp-cpu brings LibTorch, a few hundred MB)"
  (cd "$root" && dotnet restore Pipeline.sln --nologo -v q) || die "dotnet restore failed; see the output above."
  mkdir -p "$root/.setup" && echo "$hash" > "$stamp"
fi

if [ "${1:-}" = "--mnist" ]; then
  "$root/pipeline" data fetch mnist || die "fetching MNIST failed; see the message above."
fi
