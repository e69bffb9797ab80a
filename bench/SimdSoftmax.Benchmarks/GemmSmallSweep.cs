using System.Globalization;
using SimdSoftmax.Anchors;

namespace SimdSoftmax.Benchmarks;

/// <summary>
/// Small square GEMM (64³–256³) against OpenBLAS and oneDNN: medians of interleaved samples (one sample of each column per
/// round, each sample ≥ 0.2 ms of back-to-back calls in thread CPU time), one thread. Calls of a few µs are below the
/// CPU clock's useful resolution and best-of-N favours lucky samples; the median of batched samples does neither.
/// Usage: <c>gemm-sweep small [rounds=N] [sizes=64,128|all] [tiles=avx2|avx512]</c>. <c>sizes=all</c> is the issue's set
/// 64³–2048³; <c>tiles=</c> adds a column per tile of that ISA's registry and nest (blk: packed A and B, pB: packed B
/// only), forced whatever the size, for A/B of the tuning table in the same rounds as the anchors.
/// </summary>
internal static unsafe class GemmSmallSweep
{
    public static void Run(string[] args)
    {
        int rounds = int.Parse(Arg(args, "rounds") ?? "41", CultureInfo.InvariantCulture);
        string sizeList = Arg(args, "sizes") ?? "64,96,128,192,256";
        if (sizeList == "all") sizeList = "64,128,256,512,1024,2048";
        int[] sizes = sizeList.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        string? tileIsa = Arg(args, "tiles");
        ReadOnlySpan<GemmTile> registry = tileIsa switch
        {
            "avx2" => Tuning.GemmAvx2Tiles,
            "avx512" => Tuning.GemmAvx512Tiles,
            null => [],
            _ => throw new ArgumentException($"tiles={tileIsa}: avx2 or avx512"),
        };
        var tiles = new List<(string Name, GemmTile Tile, bool PackedB)>();
        foreach (GemmTile t in registry)
        {
            string shortName = t.Name.Replace("Microkernel", "", StringComparison.Ordinal);
            tiles.Add((shortName + " blk", t, false));
            if (t.IsStridedA) tiles.Add((shortName + " pB", t, true));
        }
        Console.WriteLine($"CPU: {CpuModel()}; ISA: {KernelPaths.IsaSummary()}; load average {LoadAverage()}");
        Console.WriteLine($"OpenBLAS: {(OpenBlas.IsAvailable ? OpenBlas.Config : "not available (column skipped)")}");
        Console.WriteLine($"oneDNN: {(OneDnn.IsAvailable ? OneDnn.Config : "not available (column skipped)")}");
        OpenBlas.SetThreads(1);
        OneDnn.SetThreads(1);
        double peak256 = MachineLimits.FmaPeakGflops256(), peak512 = MachineLimits.FmaPeakGflops512();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Measured: FMA peak {peak256:F1} GFLOPS (256-bit), {peak512:F1} (512-bit), 1 thread"));
        bool avx2 = KernelPaths.IsSupported(KernelPath.Avx2), avx512 = KernelPaths.IsSupported(KernelPath.Avx512);
        Console.WriteLine($"GFLOPS, medians of {rounds} interleaved samples (IQR %), 1 thread; x = Avx512 / anchor, 2/OBLAS = Avx2 / OpenBLAS");
        Console.WriteLine($"{"n³",-6}{"OpenBLAS",14}{"oneDNN",14}{"Avx2",14}{"Avx512",14}{"x OBLAS",8}{"x DNNL",8}{"2/OBLAS",8}"
            + string.Concat(tiles.Select(t => $"{t.Name,22}")));
        foreach (int s in sizes)
        {
            float[] a = Fill(s * s, 1), b = Fill(s * s, 2), c = new float[s * s];
            var columns = new List<Action?>
            {
                OpenBlas.IsAvailable ? () => OpenBlas.Sgemm(false, false, s, s, s, 1f, a, s, b, s, 0f, c, s) : null,
                OneDnn.IsAvailable ? () => OneDnn.Sgemm(false, false, s, s, s, 1f, a, s, b, s, 0f, c, s) : null,
                avx2 ? () => Gemm.Multiply(a, s, Transpose.No, b, s, Transpose.No, c, s, s, s, s, 1f, 0f, KernelPath.Avx2, 1) : null,
                avx512 ? () => Gemm.Multiply(a, s, Transpose.No, b, s, Transpose.No, c, s, s, s, s, 1f, 0f, KernelPath.Avx512, 1) : null,
            };
            bool tilesRun = tileIsa == "avx2" ? avx2 : avx512;
            foreach (var (_, tile, packedB) in tiles)
                columns.Add(tilesRun ? () =>
                {
                    fixed (float* pa = a, pb = b, pc = c)
                        tile.MultiplyWith(packedB, false, false, s, s, s, 1f, pa, s, pb, s, 0f, pc, s);
                } : null);
            var (median, iqr) = MedianInterleaved(columns, rounds);
            double flops = 2.0 * s * s * s;
            string F(int i) => double.IsNaN(median[i]) ? "-" : string.Create(CultureInfo.InvariantCulture, $"{flops / median[i] / 1e9:F1} ({iqr[i]:F0}%)");
            string X(int i) => double.IsNaN(median[i]) || double.IsNaN(median[3]) ? "-" : (median[i] / median[3]).ToString("F2", CultureInfo.InvariantCulture);
            string X2 = double.IsNaN(median[0]) || double.IsNaN(median[2]) ? "-" : (median[0] / median[2]).ToString("F2", CultureInfo.InvariantCulture);
            Console.WriteLine($"{s,-6}{F(0),14}{F(1),14}{F(2),14}{F(3),14}{X(0),8}{X(1),8}{X2,8}"
                + string.Concat(Enumerable.Range(4, tiles.Count).Select(i => $"{F(i),22}")));
        }
    }

    private static string? Arg(string[] args, string name) =>
        args.FirstOrDefault(a => a.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..];

    private static float[] Fill(int length, int seed)
    {
        var r = new Random(seed);
        var x = new float[length];
        for (int i = 0; i < length; i++) x[i] = (float)(r.NextDouble() * 2 - 1);
        return x;
    }

    /// <summary>Per column: median seconds per call and the IQR as % of the median; NaN for a null column.</summary>
    private static (double[] Median, double[] Iqr) MedianInterleaved(List<Action?> columns, int rounds)
    {
        int count = columns.Count;
        var reps = new int[count];
        for (int i = 0; i < count; i++)
        {
            if (columns[i] is not Action run) continue;
            for (int w = 0; w < 20; w++) run();
            double t0 = ThreadCpuClock.Seconds();
            int r = 0;
            do { run(); r++; } while (ThreadCpuClock.Seconds() - t0 < 2e-4);
            reps[i] = r;
        }
        var samples = columns.Select(_ => new List<double>()).ToArray();
        for (int round = 0; round < rounds; round++)
        {
            for (int i = 0; i < count; i++)
            {
                if (columns[i] is not Action run) continue;
                double t0 = ThreadCpuClock.Seconds();
                for (int r = 0; r < reps[i]; r++) run();
                samples[i].Add((ThreadCpuClock.Seconds() - t0) / reps[i]);
            }
        }
        var median = new double[count];
        var iqr = new double[count];
        for (int i = 0; i < count; i++)
        {
            if (samples[i].Count == 0) { median[i] = iqr[i] = double.NaN; continue; }
            double[] sorted = [.. samples[i].Order()];
            median[i] = sorted[sorted.Length / 2];
            iqr[i] = 100 * (sorted[sorted.Length * 3 / 4] - sorted[sorted.Length / 4]) / median[i];
        }
        return (median, iqr);
    }

    private static string CpuModel()
    {
        try
        {
            string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? "unknown" : line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { return "unknown"; }
        catch (UnauthorizedAccessException) { return "unknown"; }
    }

    private static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; }
        catch (IOException) { return "?"; }
        catch (UnauthorizedAccessException) { return "?"; }
    }
}
