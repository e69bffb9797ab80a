#!/usr/bin/env bash
# Package smoke test (issue 8): pack the library, check what the package holds, consume it from a fresh project,
# publish the CLI with NativeAOT (or, when this machine's package feed lacks the NativeAOT toolchain, as a trimmed
# self-contained app with the trim/AOT analyzers as errors) and run `info` and `compare --quick` from the published app.
# Usage: scripts/pack-smoke.sh   (from anywhere; writes under out/, which git ignores)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
out="$PWD/out/pack-smoke"
rm -rf "$out"; mkdir -p "$out"
step() { echo; echo "=== $* ==="; }

step "pack"
dotnet pack src/SimdSoftmax -c Release -o "$out/nupkg" -p:TreatWarningsAsErrors=true
pkg=$(ls "$out"/nupkg/SimdSoftmax.*.nupkg)
echo "package: $pkg"
python3 - "$pkg" <<'PY'
import sys, zipfile, re
z = zipfile.ZipFile(sys.argv[1]); names = set(z.namelist())
need = ["README.md", "LICENSE", "lib/net10.0/SimdSoftmax.dll", "lib/net10.0/SimdSoftmax.xml", "SimdSoftmax.nuspec"]
missing = [n for n in need if n not in names]
spec = z.read("SimdSoftmax.nuspec").decode()
if '<license type="expression">MIT</license>' not in spec: missing.append("MIT license expression in the nuspec")
if "<readme>README.md</readme>" not in spec: missing.append("<readme> in the nuspec")
docs = z.read("lib/net10.0/SimdSoftmax.xml").decode()
members = len(re.findall(r'<member name="', docs))
if members < 30: missing.append(f"XML docs look thin ({members} members)")
if missing: sys.exit("package is missing: " + ", ".join(missing))
print(f"package ok: {len(names)} entries, {members} documented members, MIT, README")
PY

step "consume the package from a fresh project"
version=$(basename "$pkg" .nupkg); version=${version#SimdSoftmax.}
rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}/simdsoftmax/$version"   # never a stale copy of this version
consumer="$out/consumer"; mkdir -p "$consumer"
cat > "$consumer/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration><packageSources><add key="smoke-local" value="$out/nupkg" /></packageSources></configuration>
XML
cat > "$consumer/Consumer.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors><IsAotCompatible>true</IsAotCompatible></PropertyGroup>
  <ItemGroup><PackageReference Include="SimdSoftmax" Version="$version" /></ItemGroup>
</Project>
XML
cat > "$consumer/Program.cs" <<'CS'
using SimdSoftmax;
float[] x = [123f, 456f, 789f, 1f, 2f, 3f], p = new float[6];
// The scalar path always exists, so the smoke test does not depend on which SIMD kernels have landed.
Softmax.Rows(x, p, cols: 3, KernelPath.Scalar);
float[] a = [1, 2, 3, 4], b = [5, 6, 7, 8], c = new float[4];
Gemm.Multiply(a, b, c, 2, 2, 2, KernelPath.Scalar);
float loss = SoftmaxCrossEntropy.Loss(x, [2, 0], classes: 3, KernelPath.Scalar);
Console.WriteLine($"best={KernelPaths.Best} p0={p[2]} c={string.Join(',', c)} loss={loss:F4}");
return p[2] == 1f && c[0] == 19f && c[3] == 50f ? 0 : 1;
CS
dotnet run --project "$consumer" -c Release

step "publish the CLI with NativeAOT"
# NativeAOT compiles for a fixed instruction set, x86-64-v2 (SSE4.2) unless told otherwise: every IsSupported check above
# it is false and only the scalar reference would run. IlcInstructionSet=native targets this machine's CPU (an app shipped
# to other machines would pick x86-64-v3 for the Avx2 path or x86-64-v4 for Avx512; see the README's Package section).
app=""
aot=0
if dotnet publish src/SimdSoftmax.Cli -c Release -r linux-x64 -p:PublishAot=true -p:IlcInstructionSet=native --artifacts-path "$out/aot-artifacts" -o "$out/aot" >"$out/aot.log" 2>&1; then
  aot=1
  app="$out/aot/simdsoftmax"
  echo "NativeAOT publish ok: $(du -h "$app" | cut -f1)"
else
  echo "NativeAOT publish failed (log: $out/aot.log):"
  grep -E "error" "$out/aot.log" | sort -u | head -5
  if grep -q "NU1101\|ILCompiler\|NativeAOT" "$out/aot.log"; then
    echo "→ the NativeAOT toolchain (runtime.linux-x64.Microsoft.DotNet.ILCompiler / NativeAOT runtime pack) is not on this feed."
  fi
  step "fallback: trimmed self-contained publish, trim + AOT analyzers as errors"
  dotnet publish src/SimdSoftmax.Cli -c Release -r linux-x64 --self-contained -p:PublishTrimmed=true \
    -p:EnableTrimAnalyzer=true -p:EnableAotAnalyzer=true -p:TrimmerSingleWarn=false -p:TreatWarningsAsErrors=true \
    --artifacts-path "$out/trim-artifacts" -o "$out/trimmed"
  app="$out/trimmed/simdsoftmax"
  echo "trimmed publish ok: $(du -sh "$out/trimmed" | cut -f1) total"
fi

step "run the published app"
"$app" info | tee "$out/info-published.txt"
if [ "$aot" = 1 ]; then
  # The published app must run the same kernel paths as the JIT-compiled one on this CPU.
  jit_paths=$(dotnet run -c Release --project src/SimdSoftmax.Cli -- info | grep '^Paths:')
  aot_paths=$(grep '^Paths:' "$out/info-published.txt")
  if [ "$jit_paths" != "$aot_paths" ]; then
    echo "FAIL: the NativeAOT app runs '$aot_paths', the JIT build '$jit_paths'"
    exit 1
  fi
fi
"$app" compare --quick
echo
echo "pack smoke: OK"
