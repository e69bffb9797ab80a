using System.Diagnostics;
using System.Globalization;
using SimdSoftmax.Anchors;

namespace SimdSoftmax.Benchmarks;

/// <summary>
/// A quick side-by-side GFLOPS table (Stopwatch, best of several runs within a small time budget per cell) for a
/// shared, noisy machine: every column of a row is measured back to back in the same process.
/// Usage: <c>gemm-sweep [quick] [shapes=square|skinny|all]</c>; <c>gemm-sweep small</c>: <see cref="GemmSmallSweep"/>;
/// <c>gemm-sweep skinny-probe</c>: <see cref="GemmSkinnySweep"/>.
/// </summary>
internal static class GemmSweep
{
    private sealed record Shape(string Name, bool TransA, bool TransB, int M, int N, int K);

    public static void Run(string[] args)
    {
        if (args.Contains("small"))
        {
            GemmSmallSweep.Run(args);
            return;
        }
        if (args.Contains("skinny-probe"))
        {
            GemmSkinnySweep.Run(args);
            return;
        }
        if (args.Contains("blocking"))
        {
            GemmBlockingSweep.Run(args);
            return;
        }
        bool quick = args.Contains("quick");
        string set = args.FirstOrDefault(a => a.StartsWith("shapes=", StringComparison.Ordinal))?["shapes=".Length..] ?? "all";
        Console.WriteLine($"ISA: {KernelPaths.IsaSummary()}; {Environment.ProcessorCount} cores");
        Console.WriteLine($"OpenBLAS: {(OpenBlas.IsAvailable ? OpenBlas.Config : "not available (column skipped)")}");
        Console.WriteLine($"oneDNN: {(OneDnn.IsAvailable ? OneDnn.Config : "not available (column skipped)")}");
        double peak256 = MachineLimits.FmaPeakGflops256(), peak512 = MachineLimits.FmaPeakGflops512();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Measured: FMA peak {peak256:F1} GFLOPS (256-bit), {peak512:F1} GFLOPS (512-bit); read {MachineLimits.ReadBandwidthGBs():F1} GB/s, copy {MachineLimits.CopyBandwidthGBs():F1} GB/s (1 thread)"));
        OpenBlas.SetThreads(1);
        OneDnn.SetThreads(1);

        var shapes = new List<Shape>();
        if (set is "all" or "square")
            foreach (int s in quick ? new[] { 128, 512, 1024 } : new[] { 64, 128, 256, 512, 1024, 2048 })
                shapes.Add(new Shape($"{s}^3", false, false, s, s, s));
        if (set is "all" or "skinny")
        {
            shapes.Add(new Shape("X·W 5000x3073x10", false, false, 5000, 10, 3073));
            shapes.Add(new Shape("Xt·dS 3073x5000x10 tA", true, false, 3073, 10, 5000));
            shapes.Add(new Shape("MNIST 100x784x10", false, false, 100, 10, 784));
            shapes.Add(new Shape("MNIST 784x100x10 tA", true, false, 784, 10, 100));
            // The skinny kernels' in-cache rate (A fits in L2): what the big shapes would reach if memory kept up.
            shapes.Add(new Shape("X·W L2-res 64x3073x10", false, false, 64, 10, 3073));
            shapes.Add(new Shape("Xt·dS L2-res 3073x64x10", true, false, 3073, 10, 64));
        }
        bool avx2 = KernelPaths.IsSupported(KernelPath.Avx2), avx512 = KernelPaths.IsSupported(KernelPath.Avx512);
        Console.WriteLine();
        Console.WriteLine($"GFLOPS, single thread ({(ThreadCpuClock.IsThreadCpuTime ? "best thread CPU time" : "best wall time")}) unless noted; %pk = fraction of the measured FMA peak of that ISA; 512 2T = Avx512 with threads: 2 (best wall time); cpu est = 2T speedup if both cores were free (1T CPU time / half the 2T process CPU time)");
        Console.WriteLine($"{"shape",-24}{"scalar",8}{"MathNet",9}{"OpenBLAS",9}{"Avx2",8}{"%pk",5}{"Avx512",8}{"%pk",5}{"x OBLAS",8}{"oneDNN",8}{"x DNNL",7}{"512 2T",8}{"2T/1T",7}{"cpu est",8}");
        foreach (Shape s in shapes)
        {
            int lda = s.TransA ? s.M : s.K, ldb = s.TransB ? s.K : s.N;
            float[] a = Fill((long)s.M * s.K, 1), b = Fill((long)s.K * s.N, 2), c = new float[s.M * s.N];
            double flops = 2.0 * s.M * s.N * s.K;
            string F(double g) => double.IsNaN(g) || g <= 0 ? "-" : g.ToString("F1", CultureInfo.InvariantCulture);
            string P(double g, double peak) => double.IsNaN(g) || g <= 0 || peak <= 0 ? "-" : (100 * g / peak).ToString("F0", CultureInfo.InvariantCulture);
            bool small = flops <= 2.0 * 256 * 256 * 256, mid = flops <= 2.0 * 512 * 512 * 512;
            var columns = new List<Action?>
            {
                small ? () => Gemm.Multiply(a, lda, Tr(s.TransA), b, ldb, Tr(s.TransB), c, s.N, s.M, s.N, s.K, 1f, 0f, KernelPath.Scalar) : null,
                mid ? () => MathNetGemm.Multiply(s.TransA, s.TransB, s.M, s.N, s.K, 1f, a, b, 0f, c) : null,
                OpenBlas.IsAvailable ? () => OpenBlas.Sgemm(s.TransA, s.TransB, s.M, s.N, s.K, 1f, a, lda, b, ldb, 0f, c, s.N) : null,
                avx2 ? () => Gemm.Multiply(a, lda, Tr(s.TransA), b, ldb, Tr(s.TransB), c, s.N, s.M, s.N, s.K, 1f, 0f, KernelPath.Avx2, 1) : null,
                avx512 ? () => Gemm.Multiply(a, lda, Tr(s.TransA), b, ldb, Tr(s.TransB), c, s.N, s.M, s.N, s.K, 1f, 0f, KernelPath.Avx512, 1) : null,
                OneDnn.IsAvailable ? () => OneDnn.Sgemm(s.TransA, s.TransB, s.M, s.N, s.K, 1f, a, lda, b, ldb, 0f, c, s.N) : null,
                avx512 && flops >= 2.0 * 256 * 256 * 256 ? () => Gemm.Multiply(a, lda, Tr(s.TransA), b, ldb, Tr(s.TransB), c, s.N, s.M, s.N, s.K, 1f, 0f, KernelPath.Avx512, 2) : null,
            };
            double[] seconds = BestInterleaved(columns, quick ? 1.0 : 2.5, out double twoThreadCpu);
            double[] g = seconds.Select(t => flops / t / 1e9).ToArray();
            // Speedup the 2 threads would give with both cores to themselves: 1-thread CPU time over the busiest share
            // of the 2-thread run's process CPU time (assumes an even split; spinning and duplicated packing count against it).
            double cpuSpeedup = double.IsNaN(seconds[6]) ? double.NaN : seconds[4] / (twoThreadCpu / 2);
            double scalar = g[0], mathNet = g[1], oblas = g[2], g2 = g[3], g5 = g[4], dnnl = g[5], g5t = g[6];
            Console.WriteLine($"{s.Name,-24}{F(scalar),8}{F(mathNet),9}{F(oblas),9}{F(g2),8}{P(g2, peak256),5}{F(g5),8}{P(g5, peak512),5}{F(g5 / oblas),8}{F(dnnl),8}{F(g5 / dnnl),7}{F(g5t),8}{F(g5t / g5),7}{F(cpuSpeedup),8}");
        }
    }

    private static Transpose Tr(bool t) => t ? Transpose.Yes : Transpose.No;

    private static float[] Fill(long length, int seed)
    {
        var r = new Random(seed);
        var x = new float[length];
        for (long i = 0; i < length; i++) x[i] = (float)(r.NextDouble() * 2 - 1);
        return x;
    }

    /// <summary>
    /// Best wall time of each column, measured round-robin (one run of each column per round) until the budget is spent,
    /// so a burst of load from other processes hits every column alike. A column that is null gets NaN.
    /// A column slower than 0.5 s per run is run at most twice.
    /// </summary>
    private static double[] BestInterleaved(List<Action?> columns, double budget, out double lastColumnProcessCpu)
    {
        lastColumnProcessCpu = double.PositiveInfinity;
        using var process = Process.GetCurrentProcess();
        var best = columns.Select(_ => double.PositiveInfinity).ToArray();
        var runs = new int[columns.Count];
        foreach (Action? run in columns) run?.Invoke(); // warm-up: JIT, packing buffers, OpenBLAS threads
        long start = Stopwatch.GetTimestamp();
        for (int round = 0; round < 3 || Stopwatch.GetElapsedTime(start).TotalSeconds < budget; round++)
        {
            for (int i = 0; i < columns.Count; i++)
            {
                if (columns[i] is not Action run || (runs[i] >= 2 && best[i] > 0.5)) continue;
                // Single-thread columns: the thread's CPU time (immune to other processes' slices); multi-thread: wall time.
                bool wall = i == columns.Count - 1;
                process.Refresh();
                TimeSpan cpu0 = process.TotalProcessorTime;
                double t0 = wall ? Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency : ThreadCpuClock.Seconds();
                run();
                double t1 = wall ? Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency : ThreadCpuClock.Seconds();
                if (wall)
                {
                    process.Refresh();
                    lastColumnProcessCpu = Math.Min(lastColumnProcessCpu, (process.TotalProcessorTime - cpu0).TotalSeconds);
                }
                best[i] = Math.Min(best[i], t1 - t0);
                runs[i]++;
            }
            if (round > 2000) break;
        }
        return best.Select((b, i) => columns[i] is null ? double.NaN : b).ToArray();
    }
}
