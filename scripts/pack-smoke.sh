# Package smoke test: pack the two libraries and the tool, check what the packages hold, build and run the README's
# quick start from them in a fresh .NET 10 app that also references System.Numerics.Tensors 10.0.0 (the oldest our
# packages accept: a higher floor would be an NU1605 downgrade error there), install the tool with `dotnet tool install`
# and run it, then publish the CLI with NativeAOT (or, when this machine's package feed lacks the NativeAOT toolchain,
# as a trimmed self-contained app with the trim/AOT analyzers as errors) and run `info` and `compare --quick` from it.
# Usage: scripts/pack-smoke.sh   (from anywhere; writes under out/, which git ignores)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
out="$PWD/out/pack-smoke"
rm -rf "$out"; mkdir -p "$out"
step() { echo; echo "=== $* ==="; }

step "pack"
for project in SimdSoftmax SimdSoftmax.Training SimdSoftmax.Cli; do
  dotnet pack "src/$project" -c Release -o "$out/nupkg" -p:TreatWarningsAsErrors=true
done
pkg=$(ls "$out"/nupkg/SimdSoftmax.[0-9]*.nupkg)
version=$(basename "$pkg" .nupkg); version=${version#SimdSoftmax.}
echo "packages ($version): $(cd "$out/nupkg" && ls)"
python3 - "$out/nupkg" "$version" <<'PY2'
import sys, zipfile, re
feed, version = sys.argv[1], sys.argv[2]
problems = []
for pid in ["SimdSoftmax", "SimdSoftmax.Training"]:
    z = zipfile.ZipFile(f"{feed}/{pid}.{version}.nupkg"); names = set(z.namelist())
    need = ["README.md", "LICENSE", f"lib/net10.0/{pid}.dll", f"lib/net10.0/{pid}.xml", f"{pid}.nuspec"]
    problems += [f"{pid}: no {n}" for n in need if n not in names]
    spec = z.read(f"{pid}.nuspec").decode()
    if '<license type="expression">MIT</license>' not in spec: problems.append(f"{pid}: no MIT license expression")
    if "<readme>README.md</readme>" not in spec: problems.append(f"{pid}: no <readme>")
    if not re.search(r'<repository type="git"[^>]*commit="[0-9a-f]{40}"', spec): problems.append(f"{pid}: no <repository> with the commit")
    readme = z.read("README.md").decode()
    if "](docs/" in readme or "](data/" in readme or len(readme.splitlines()) > 60:
        problems.append(f"{pid}: the package README is not the package's own short one")
    tensors = re.search(r'id="System.Numerics.Tensors" version="([^"]+)"', spec)
    if not tensors or not tensors.group(1).startswith("10.0.0"): problems.append(f"{pid}: System.Numerics.Tensors dependency is {tensors and tensors.group(1)}, not 10.0.0")
    members = len(re.findall(r'<member name="', z.read(f"lib/net10.0/{pid}.xml").decode()))
    if members < 20: problems.append(f"{pid}: XML docs look thin ({members} members)")
    if pid == "SimdSoftmax" and any("Training" in n or "Idx" in n for n in names): problems.append("SimdSoftmax holds training files")
    print(f"{pid}: {len(names)} entries, {members} documented members, MIT, own README, System.Numerics.Tensors {tensors.group(1) if tensors else '?'}")
tool = zipfile.ZipFile(f"{feed}/SimdSoftmax.Cli.{version}.nupkg")
settings = [n for n in tool.namelist() if n.endswith("DotnetToolSettings.xml")]
if not settings or 'Command Name="simdsoftmax"' not in tool.read(settings[0]).decode(): problems.append("SimdSoftmax.Cli: not a tool with the command simdsoftmax")
if problems: sys.exit("package problems: " + "; ".join(problems))
PY2

step "the README's quick start from the packages, with System.Numerics.Tensors 10.0.0"
for id in simdsoftmax simdsoftmax.training simdsoftmax.cli; do   # never a stale copy of this version
  rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}/$id/$version"
done
consumer="$out/consumer"; mkdir -p "$consumer"
cat > "$consumer/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration><packageSources><add key="smoke-local" value="$out/nupkg" /></packageSources></configuration>
XML
cat > "$consumer/Consumer.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings><TreatWarningsAsErrors>true</TreatWarningsAsErrors><IsAotCompatible>true</IsAotCompatible></PropertyGroup>
  <ItemGroup>
    <PackageReference Include="System.Numerics.Tensors" Version="10.0.0" />
    <PackageReference Include="SimdSoftmax" Version="$version" />
    <PackageReference Include="SimdSoftmax.Training" Version="$version" />
  </ItemGroup>
</Project>
XML
# The README's first C# block is the program; the Output block after it is what it must print.
python3 - README.md "$consumer" <<'PY2'
import re, sys
m = re.search(r"```csharp\n(.*?)```\s*Output:\s*```text\n(.*?)```", open(sys.argv[1]).read(), re.S)
open(sys.argv[2] + "/Program.cs", "w").write(m.group(1)); open(sys.argv[2] + "/expected.txt", "w").write(m.group(2))
PY2
dotnet run --project "$consumer" -c Release | tee "$consumer/actual.txt"
diff "$consumer/expected.txt" "$consumer/actual.txt" && echo "the README's output, from the packages"

step "dotnet tool install from the local package"
dotnet tool install SimdSoftmax.Cli --version "$version" --tool-path "$out/tool" --add-source "$out/nupkg"
"$out/tool/simdsoftmax" info
"$out/tool/simdsoftmax" compare --help | grep -q -- "--filter" && echo "simdsoftmax compare --help: ok"

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
