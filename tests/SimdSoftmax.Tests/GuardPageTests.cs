using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace SimdSoftmax.Tests;

/// <summary>
/// Runs the guard-page cases (tests/SimdSoftmax.GuardPages) in a child process per (kernel family, path): every public kernel on
/// spans that end exactly at, or start right after, a PROT_NONE page, inputs in PROT_READ pages, outputs checked against
/// the scalar reference with canaries around them. A fault kills only the child; this side reports the case it was
/// running. The child inherits this process's environment, so CI's DOTNET_EnableAVX512=0 / DOTNET_EnableHWIntrinsic=0
/// runs cover the fallback configurations too. A path whose kernel has not landed yet is skipped with that reason.
/// </summary>
public class GuardPageTests(ITestOutputHelper output)
{
    public static TheoryData<string, KernelPath> Families()
    {
        var d = new TheoryData<string, KernelPath>();
        foreach (string family in new[] { "gemm-dense", "gemm-strided", "gemm-1d", "gemm-large", "softmax", "crossentropy", "rows-strided", "classifier", "svm" })
            foreach (KernelPath path in new[] { KernelPath.Scalar, KernelPath.Avx2, KernelPath.Avx512 })
                d.Add(family, path);
        return d;
    }

    [SkippableTheory, MemberData(nameof(Families))]
    public void Kernels_stay_inside_their_spans_and_match_scalar(string family, KernelPath path)
    {
        Paths.Require(path);
        ChildRun run = GuardPageChild.Run(family, path);
        output.WriteLine(run.Stdout);
        // The child inherited this process's environment, so CI's fallback runs cover the fallback configuration.
        Assert.Contains($"ENV best={KernelPaths.Best} available={string.Join(',', KernelPaths.Available)}", run.Stdout);
        Skip.If(run.ExitCode == 3, run.SkipLine);
        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.Contains("failures=0", run.Stdout);
    }

    [Theory]
    [InlineData("selftest-overread")]
    [InlineData("selftest-underread")]
    [InlineData("selftest-readonly")]
    public void The_guards_fire_and_the_crash_names_the_case(string selfTest)
    {
        ChildRun run = GuardPageChild.Run(selfTest, KernelPath.Scalar);
        output.WriteLine(run.Describe());
        Assert.NotEqual(0, run.ExitCode);
        Assert.NotEqual(1, run.ExitCode);
        Assert.StartsWith("self-test:", run.LastCase);
        Assert.Contains("AccessViolation", run.Stderr);
    }

    [Fact]
    public void A_write_outside_the_span_is_reported()
    {
        ChildRun run = GuardPageChild.Run("selftest-canary", KernelPath.Scalar);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("element -1 (before the span) was written", run.Stdout);
    }
}

public sealed record ChildRun(string Family, KernelPath Path, int ExitCode, string Stdout, string Stderr, string LastCase)
{
    public string SkipLine => Stdout.Split('\n').FirstOrDefault(l => l.StartsWith("SKIP", StringComparison.Ordinal))?.Trim() ?? "skipped";

    public string Describe()
    {
        var sb = new StringBuilder();
        sb.Append($"guard-page family '{Family}' on {Path} ");
        sb.Append(ExitCode switch
        {
            0 => "passed",
            1 => "found wrong or corrupted results",
            4 => "threw an exception (see the EXCEPTION line)",
            _ => $"CRASHED (exit code {ExitCode}) — an access outside the span or a write to a read-only input — while running: {LastCase}",
        });
        sb.AppendLine().AppendLine(Stdout.Trim());
        if (Stderr.Length > 0) sb.AppendLine(Stderr.Length > 3000 ? Stderr[..3000] : Stderr);
        return sb.ToString();
    }
}

/// <summary>Launches tests/SimdSoftmax.GuardPages (built next to this project) with `dotnet`, inheriting the environment.</summary>
public static class GuardPageChild
{
    public static string DllPath
    {
        get
        {
            // This assembly runs from tests/SimdSoftmax.Tests/bin/<Configuration>/<tfm>/; the child sits at the same
            // relative place under tests/SimdSoftmax.GuardPages.
            string baseDir = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
            string testsProject = baseDir;
            while (Path.GetFileName(testsProject) != "SimdSoftmax.Tests")
                testsProject = Path.GetDirectoryName(testsProject) ?? throw new InvalidOperationException($"cannot locate the test project above {baseDir}");
            string relative = Path.GetRelativePath(testsProject, baseDir);
            string dll = Path.Combine(Path.GetDirectoryName(testsProject)!, "SimdSoftmax.GuardPages", relative, "SimdSoftmax.GuardPages.dll");
            if (!File.Exists(dll)) throw new FileNotFoundException("Build the solution first: the guard-page child is missing.", dll);
            return dll;
        }
    }

    private static string DotnetHost()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host)) return host;
        string? self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        return "dotnet";
    }

    public static ChildRun Run(string family, KernelPath path)
    {
        string crumb = Path.Combine(Path.GetTempPath(), $"simdsoftmax-guard-{Environment.ProcessId}-{Guid.NewGuid():N}.crumb");
        try
        {
            var psi = new ProcessStartInfo(DotnetHost())
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string a in new[] { DllPath, family, path.ToString(), "--breadcrumb", crumb }) psi.ArgumentList.Add(a);
            // No crash dumps for the deliberate faults of the self-tests.
            psi.Environment["DOTNET_DbgEnableMiniDump"] = "0";
            using var p = Process.Start(psi)!;
            Task<string> stdout = p.StandardOutput.ReadToEndAsync(), stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(TimeSpan.FromMinutes(5)))
            {
                p.Kill(entireProcessTree: true);
                return new ChildRun(family, path, -1, stdout.Result, "timed out after 5 minutes", ReadCrumb(crumb));
            }
            p.WaitForExit();
            return new ChildRun(family, path, p.ExitCode, stdout.Result, stderr.Result, ReadCrumb(crumb));
        }
        finally
        {
            File.Delete(crumb);
        }
    }

    /// <summary>The case the child announced last: a little-endian length, then UTF-8.</summary>
    private static string ReadCrumb(string path)
    {
        if (!File.Exists(path)) return "(no case started)";
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 4) return "(no case started)";
        int n = BitConverter.ToInt32(bytes, 0);
        return n <= 0 || n > bytes.Length - 4 ? "(no case started)" : Encoding.UTF8.GetString(bytes, 4, n);
    }
}
