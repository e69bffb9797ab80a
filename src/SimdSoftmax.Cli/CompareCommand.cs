using System.Diagnostics;

namespace SimdSoftmax.Cli;

/// <summary>
/// <c>simdsoftmax compare</c>: every kernel family on built-in shapes, on every path this CPU has, timed and
/// checked against the scalar reference.
/// </summary>
internal static class CompareCommand
{
    public static int Run(Options options)
    {
        bool quick = options.Flag("quick");
        string? filter = options.String("filter");
        options.RejectUnknown();

        Console.WriteLine($"SimdSoftmax compare — {InfoCommand.CpuModel()}, .NET {Environment.Version}");
        Console.WriteLine($"ISA: {KernelPaths.IsaSummary()}; paths: {string.Join(", ", KernelPaths.Available)}");
        Console.WriteLine();
        Console.WriteLine($"{"kernel",-34} {"path",-7} {"median",11} {"rate",16} {"vs scalar",10} {"max rel err",12}");

        int failures = 0;
        foreach (CompareCase c in CompareCase.All(quick))
        {
            if (filter is not null && !c.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)) continue;
            double scalarSeconds = double.NaN;
            float[] reference = c.Run(KernelPath.Scalar);
            foreach (KernelPath path in KernelPaths.Available)
            {
                float[] result;
                try { result = c.Run(path); }
                catch (PlatformNotSupportedException)
                {
                    Console.WriteLine($"{c.Name,-34} {path,-7} {"(no kernel yet)",11}");
                    continue;
                }
                double err = MaxRelativeError(reference, result);
                bool ok = err <= c.Tolerance;
                if (!ok) failures++;
                double seconds = Median(() => c.Run(path), quick ? 0.05 : 0.25);
                if (path == KernelPath.Scalar) scalarSeconds = seconds;
                string rate = c.Flops > 0 ? $"{c.Flops / seconds / 1e9,8:F2} GFLOPS" : $"{c.Elements / seconds / 1e9,8:F3} Gelem/s";
                Console.WriteLine($"{c.Name,-34} {path,-7} {FormatTime(seconds),11} {rate,16} {scalarSeconds / seconds,9:F1}× {err,12:E1}{(ok ? "" : "  MISMATCH")}");
            }
        }
        if (failures > 0)
        {
            Console.Error.WriteLine($"{failures} result(s) disagree with the scalar reference.");
            return 1;
        }
        return 0;
    }

    private static double Median(Action run, double budgetSeconds)
    {
        run(); // warm-up (JIT, caches)
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (times.Count < 5 || (total.Elapsed.TotalSeconds < budgetSeconds && times.Count < 200))
        {
            long t0 = Stopwatch.GetTimestamp();
            run();
            times.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    private static double MaxRelativeError(float[] reference, float[] result)
    {
        double maxAbs = 0, maxRef = 1e-30;
        for (int i = 0; i < reference.Length; i++)
        {
            maxAbs = Math.Max(maxAbs, Math.Abs((double)reference[i] - result[i]));
            maxRef = Math.Max(maxRef, Math.Abs((double)reference[i]));
            if (float.IsNaN(reference[i]) != float.IsNaN(result[i])) return double.PositiveInfinity;
        }
        return maxAbs / maxRef;
    }

    private static string FormatTime(double s) =>
        s >= 1 ? $"{s:F2} s" : s >= 1e-3 ? $"{s * 1e3:F2} ms" : $"{s * 1e6:F1} µs";
}

/// <summary>One row family of the compare table: a kernel call on fixed built-in data, returning its output.</summary>
internal sealed class CompareCase
{
    public required string Name { get; init; }
    public required Func<KernelPath, float[]> Run { get; init; }
    public double Flops { get; init; }
    public double Elements { get; init; }
    public double Tolerance { get; init; } = 1e-4;

    public static IEnumerable<CompareCase> All(bool quick)
    {
        int sq = quick ? 128 : 256;
        yield return GemmCase($"gemm {sq}×{sq}×{sq}", sq, sq, sq);
        yield return GemmCase("gemm skinny 1000×784×10 (X·W)", 1000, 10, 784);
        yield return SoftmaxCase("softmax rows of 10", 10, quick ? 10_000 : 100_000, log: false);
        yield return SoftmaxCase("softmax rows of 1000", 1000, quick ? 100 : 1000, log: false);
        yield return SoftmaxCase("log-softmax rows of 1000", 1000, quick ? 100 : 1000, log: true);
        yield return CrossEntropyCase(quick ? 10_000 : 100_000, 10);
        yield return ClassifierCase(quick ? 200 : 1000, 784, 10);
    }

    private static float[] Random(int count, int seed, float scale = 1f)
    {
        var rng = new Random(seed);
        var a = new float[count];
        for (int i = 0; i < a.Length; i++) a[i] = (float)(rng.NextDouble() * 2 - 1) * scale;
        return a;
    }

    private static CompareCase GemmCase(string name, int m, int n, int k)
    {
        float[] a = Random(m * k, 1), b = Random(k * n, 2), c = new float[m * n];
        return new CompareCase
        {
            Name = name,
            Flops = 2.0 * m * n * k,
            Tolerance = 1e-4,
            Run = path => { Gemm.Multiply(a, b, c, m, n, k, path); return c; },
        };
    }

    private static CompareCase SoftmaxCase(string name, int cols, int rows, bool log)
    {
        float[] x = Random(rows * cols, 3, 10f), y = new float[x.Length];
        return new CompareCase
        {
            Name = name,
            Elements = x.Length,
            Tolerance = 1e-5,
            Run = path =>
            {
                if (log) Softmax.LogRows(x, y, cols, path); else Softmax.Rows(x, y, cols, path);
                return y;
            },
        };
    }

    private static CompareCase CrossEntropyCase(int n, int c)
    {
        float[] logits = Random(n * c, 4, 10f), grad = new float[n * c];
        int[] labels = Labels(n, c, 5);
        var result = new float[grad.Length + 1];
        return new CompareCase
        {
            Name = $"cross-entropy {n}×{c} loss+grad",
            Elements = logits.Length,
            Tolerance = 1e-4,
            Run = path =>
            {
                result[^1] = SoftmaxCrossEntropy.LossAndGradient(logits, labels, grad, c, path);
                grad.CopyTo(result, 0);
                return result;
            },
        };
    }

    private static CompareCase ClassifierCase(int n, int d, int c)
    {
        float[] x = Random(n * d, 6), w = Random(d * c, 7, 1e-2f), dW = new float[d * c];
        float[] workspace = new float[SoftmaxLoss.WorkspaceLength(n, d, c)];
        int[] y = Labels(n, c, 8);
        var result = new float[dW.Length + 1];
        return new CompareCase
        {
            Name = $"classifier {n}×{d}×{c} loss+grad",
            Flops = 4.0 * n * d * c,
            Tolerance = 1e-3,
            Run = path =>
            {
                result[^1] = SoftmaxLoss.LossAndGradient(w, x, y, n, d, c, 1e-3f, dW, workspace, path);
                dW.CopyTo(result, 0);
                return result;
            },
        };
    }

    private static int[] Labels(int n, int c, int seed)
    {
        var rng = new Random(seed);
        var y = new int[n];
        for (int i = 0; i < n; i++) y[i] = rng.Next(c);
        return y;
    }
}
