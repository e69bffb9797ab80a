using System.CommandLine;
using System.Runtime.InteropServices;
using SimdSoftmax.Anchors;

namespace SimdSoftmax.Cli.Compare;

/// <summary>
/// <c>simdsoftmax compare</c>: every kernel family on built-in shapes, on every path this CPU has and beside the outside
/// anchors, timed with a calibrated median and verified against the scalar reference. Exit code 1 if any result
/// disagrees with the reference.
/// </summary>
internal static class CompareCommand
{
    /// <summary>Test hook: lets a test perturb a result before verification to prove the check fails loudly.</summary>
    internal static Action<string, string, float[]>? PerturbResultForTesting = null;

    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "smaller shapes and shorter timing (about 5 s instead of 45 s)" };
        var tiny = new Option<bool>("--tiny") { Description = "tiny shapes, for the test suite", Hidden = true };
        var filter = new Option<string?>("--filter") { Description = "only the kernels whose name or family contains TEXT (e.g. gemm, softmax, cross-entropy, classifier)", HelpName = "TEXT" };
        // 1 by default: the published targets are single-threaded, and OpenBLAS gets the same count. 0 = the library's
        // automatic choice (all cores above a size threshold). The scalar reference always runs on one thread.
        var threads = Opt.Int("--threads", "threads of the SIMD paths, OpenBLAS and oneDNN (0 = the library's automatic choice)", 1, 0, 1024);
        var json = Opt.OutputFile("--json", "also write the results as JSON");
        var markdown = Opt.OutputFile("--markdown", "also write the results as a Markdown table");
        var chart = Opt.OutputFile("--chart", "also write the speedup chart as SVG", "FILE.svg");
        var command = new Command("compare", "time every kernel on every path against the scalar reference and verify the results (exit 1 on a mismatch)")
        {
            quick, tiny, filter, threads, json, markdown, chart,
        };
        command.SetAction(r => Run(r.GetValue(quick), r.GetValue(tiny), r.GetValue(filter), r.GetValue(threads), r.GetValue(json), r.GetValue(markdown), r.GetValue(chart)));
        return command;
    }

    public static int Run(bool quick, bool tiny, string? filter, int threads, string? json, string? markdown, string? chart)
    {
        bool Selected(KernelCase c) => filter is null || c.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)
            || c.Family.Contains(filter, StringComparison.OrdinalIgnoreCase);
        if (filter is not null)
        {
            // Names only: the cases' inputs are dropped as soon as they are made (the full set holds hundreds of MB).
            var names = CompareCases.All(quick, tiny).Select(c => (c.Family, c.Name, Match: Selected(c))).ToList();
            if (!names.Any(n => n.Match))
                throw new OptionException($"--filter '{filter}' matches no kernel. Families: {string.Join(", ", names.Select(n => n.Family).Distinct())}; kernels: {string.Join(", ", names.Select(n => n.Name))}.");
        }

        OpenBlas.SetThreads(threads == 0 ? Environment.ProcessorCount : threads);
        OneDnn.SetThreads(threads == 0 ? Environment.ProcessorCount : threads);
        int limitThreads = threads == 0 ? Environment.ProcessorCount : threads;
        MachineHeader machine = MeasureMachine(1);
        var report = new CompareReport(machine, Console.Out, limitThreads > 1 ? AtLeast(MeasureMachine(limitThreads), machine) : null);
        report.WriteHeader();
        StabilityCheck(Console.Out);
        report.WriteColumns();

        double budget = tiny ? 0.002 : quick ? 0.06 : 0.35;
        foreach (KernelCase c in CompareCases.All(quick, tiny).Where(Selected)) RunCase(c, threads, budget, machine, report);
        report.WriteFooter();

        if (json is not null) report.WriteJson(json);
        if (markdown is not null) report.WriteMarkdown(markdown);
        if (chart is not null) SpeedupChart.Write(chart, report.Rows, machine);

        if (report.Failures > 0)
        {
            Console.Error.WriteLine($"compare: {report.Failures} result(s) disagree with the scalar reference (marked MISMATCH above).");
            return 1;
        }
        return 0;
    }

    private static void RunCase(KernelCase c, int threads, double budget, MachineHeader machine, CompareReport report)
    {
        float[] reference = c.Run(KernelPath.Scalar, 1);
        reference = (float[])(c.Collect?.Invoke() ?? reference).Clone();
        double scalarSeconds = double.NaN;
        foreach (KernelPath path in KernelPaths.Available)
        {
            string label = path.ToString();
            if (path == KernelPath.Scalar && c.ScalarUntimed)
            {
                report.Add(c, label, isAnchor: false, new Timing(double.NaN, double.NaN, 0), double.NaN, 0, verified: true, vectorBits: 32);
                continue;
            }
            if (path != KernelPath.Scalar && c.Variants.Count > 0)
            {
                foreach (var (name, run) in c.Variants)
                    RunPath(c, path, $"{path} {name}", run, reference, threads, budget, scalarSeconds, report);
                continue;
            }
            double seconds = RunPath(c, path, label, c.Run, reference, path == KernelPath.Scalar ? 1 : threads, budget, scalarSeconds, report);
            if (path == KernelPath.Scalar) scalarSeconds = seconds;
        }
        foreach (Anchor anchor in c.Anchors)
        {
            float[] result = anchor.Run();
            PerturbResultForTesting?.Invoke(c.Name, anchor.Name, result);
            double err = MaxRelativeError(reference, result);
            // Anchors are outside code: a disagreement is reported (that is the point of TensorPrimitives.SoftMax's NaN) but is not our failure.
            Timing t = Timer.Measure(() => anchor.Run(), budget, singleThread: threads == 1);
            report.Add(c, anchor.Name, isAnchor: true, t, scalarSeconds, err, err <= c.Tolerance, anchor.VectorBits);
        }
    }

    /// <summary>Verifies and times one path (or one variant on a path); returns the median seconds, NaN if the path has no kernel.</summary>
    private static double RunPath(KernelCase c, KernelPath path, string label, Func<KernelPath, int, float[]> run, float[] reference,
        int threads, double budget, double scalarSeconds, CompareReport report)
    {
        float[] result;
        try { result = run(path, threads); }
        catch (PlatformNotSupportedException)
        {
            report.Note(c, label, "no kernel for this path");
            return double.NaN;
        }
        result = c.Collect?.Invoke() ?? result;
        PerturbResultForTesting?.Invoke(c.Name, label, result);
        double err = MaxRelativeError(reference, result);
        Timing t = Timer.Measure(() => run(path, threads), budget, singleThread: threads == 1 || path == KernelPath.Scalar);
        report.Add(c, label, isAnchor: false, t, path == KernelPath.Scalar ? t.MedianSeconds : scalarSeconds, err, err <= c.Tolerance, VectorBits(path));
        return t.MedianSeconds;
    }

    /// <summary>The seeds' overflow example: an unshifted softmax gives NaN, ours stays finite on every path.</summary>
    private static void StabilityCheck(TextWriter w)
    {
        float[] x = [123f, 456f, 789f], y = new float[3];
        System.Numerics.Tensors.TensorPrimitives.SoftMax(x, y);
        w.WriteLine($"Stability: softmax([123, 456, 789]) — TensorPrimitives.SoftMax: [{string.Join(", ", y)}]");
        foreach (KernelPath p in KernelPaths.Available)
        {
            try
            {
                Softmax.Rows(x, y, 3, p);
                w.WriteLine($"{"",-11}SimdSoftmax {p,-7}: [{string.Join(", ", y.Select(v => v.ToString("G4", System.Globalization.CultureInfo.InvariantCulture)))}]");
            }
            catch (PlatformNotSupportedException) { }
        }
        w.WriteLine();
    }

    private static int VectorBits(KernelPath path) => path switch
    {
        KernelPath.Avx512 => 512,
        KernelPath.Avx2 => 256,
        _ => 32,
    };

    /// <summary>Normwise relative difference max|a − r| / max|r|; NaN where the reference is finite counts as infinite.</summary>
    internal static double MaxRelativeError(float[] reference, float[] result)
    {
        double maxAbs = 0, maxRef = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            double r = reference[i], a = result[i];
            if (double.IsNaN(r) && double.IsNaN(a)) continue;
            if (double.IsNaN(r) != double.IsNaN(a) || double.IsInfinity(r) || double.IsInfinity(a))
            {
                if (r != a) return double.PositiveInfinity;
                continue;
            }
            maxAbs = Math.Max(maxAbs, Math.Abs(a - r));
            maxRef = Math.Max(maxRef, Math.Abs(r));
        }
        return maxRef == 0 ? maxAbs : maxAbs / maxRef;
    }

    /// <summary>The limits measured with as many threads as the kernels get: with 2 threads a kernel measured against one core's bandwidth reads above 100%.</summary>
    private static MachineHeader MeasureMachine(int threads)
    {
        double peak256 = KernelPaths.IsSupported(KernelPath.Avx2) ? MachineLimits.FmaPeakGflops256(threads) : 0;
        double peak512 = KernelPaths.IsSupported(KernelPath.Avx512) ? MachineLimits.FmaPeakGflops512(threads) : 0;
        return new MachineHeader(
            InfoCommand.CpuModel(),
            $".NET {Environment.Version} {RuntimeInformation.ProcessArchitecture}",
            KernelPaths.IsaSummary(),
            KernelPaths.Available,
            peak256,
            peak512,
            MachineLimits.ReadBandwidthGBs(threads),
            MachineLimits.CopyBandwidthGBs(threads),
            OpenBlas.IsAvailable ? OpenBlas.Config ?? "available" : null,
            DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture),
            threads,
            KernelPaths.IsSupported(KernelPath.Avx2) ? MachineLimits.CopyNonTemporalGBs(threads) : 0,
            BuildCommit(),
            OneDnn.Config);
    }

    /// <summary>
    /// N threads can do at least what one does: on a shared machine the wall-time N-thread measurement can come out below
    /// the single-thread one (another process took a core), which would inflate every "% of limit" it divides.
    /// </summary>
    private static MachineHeader AtLeast(MachineHeader threaded, MachineHeader single) => threaded with
    {
        FmaPeak256 = Math.Max(threaded.FmaPeak256, single.FmaPeak256),
        FmaPeak512 = Math.Max(threaded.FmaPeak512, single.FmaPeak512),
        ReadBandwidth = Math.Max(threaded.ReadBandwidth, single.ReadBandwidth),
        CopyBandwidth = Math.Max(threaded.CopyBandwidth, single.CopyBandwidth),
        CopyNonTemporal = Math.Max(threaded.CopyNonTemporal, single.CopyNonTemporal),
    };

    /// <summary>The commit this build came from: the SDK's Source Link appends it to the informational version ("0.2.0+sha").</summary>
    internal static string BuildCommit()
    {
        string? version = typeof(CompareCommand).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion;
        if (version is null || version.IndexOf('+') is not (>= 0 and int plus)) return "";
        return version[(plus + 1)..Math.Min(version.Length, plus + 13)];
    }
}
