using System.Diagnostics;
using System.Globalization;
using SimdSoftmax.Anchors;

namespace SimdSoftmax.Benchmarks;

/// <summary>
/// A/B harness for the blocked SGEMM's cache blocking: runs the blocked loop nest directly with several block-size
/// variants on square problems, round-robin in one process (thread CPU time, best of), next to OpenBLAS.
/// Usage: <c>gemm-sweep blocking [sizes=512,1024,2048] [budget=8]</c>.
/// </summary>
internal static unsafe class GemmBlockingSweep
{
    private sealed record Variant(string Name, bool Avx512, int MC, int KC, int NC);

    public static void Run(string[] args)
    {
        int[] sizes = (args.FirstOrDefault(a => a.StartsWith("sizes=", StringComparison.Ordinal))?["sizes=".Length..] ?? "512,1024,2048")
            .Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        double budget = double.Parse(args.FirstOrDefault(a => a.StartsWith("budget=", StringComparison.Ordinal))?["budget=".Length..] ?? "8", CultureInfo.InvariantCulture);
        string only = args.FirstOrDefault(a => a.StartsWith("only=", StringComparison.Ordinal))?["only=".Length..] ?? "";
        OpenBlas.SetThreads(1);
        var variants = new List<Variant>
        {
            new("2 96/512/3072", false, 96, 512, 3072),
            new("2 NC1024", false, 96, 512, 1024),
            new("2 NC512", false, 96, 512, 512),
            new("2 MC48 KC1024", false, 48, 1024, 3072),
            new("2 MC192 KC256", false, 192, 256, 3072),
            new("5 128/512/3072", true, 128, 512, 3072),
            new("5 NC960", true, 128, 512, 960),
            new("5 NC480", true, 128, 512, 480),
        };
        if (only.Length > 0) variants = variants.Where(v => v.Name.StartsWith(only, StringComparison.Ordinal)).ToList();
        foreach (int s in sizes)
        {
            float[] a = Fill((long)s * s, 1), b = Fill((long)s * s, 2), c = new float[(long)s * s];
            double flops = 2.0 * s * s * s;
            var columns = new List<(string Name, Action Run)>();
            if (OpenBlas.IsAvailable) columns.Add(("OpenBLAS", () => OpenBlas.Sgemm(false, false, s, s, s, 1f, a, s, b, s, 0f, c, s)));
            foreach (Variant v in variants)
                columns.Add((v.Name, () => RunVariant(v, s, a, b, c)));
            var best = new double[columns.Count];
            Array.Fill(best, double.PositiveInfinity);
            foreach (var col in columns) col.Run();
            long start = Stopwatch.GetTimestamp();
            for (int round = 0; round < 3 || Stopwatch.GetElapsedTime(start).TotalSeconds < budget; round++)
                for (int i = 0; i < columns.Count; i++)
                {
                    double t0 = ThreadCpuClock.Seconds();
                    columns[i].Run();
                    best[i] = Math.Min(best[i], ThreadCpuClock.Seconds() - t0);
                }
            Console.WriteLine($"{s}^3:");
            for (int i = 0; i < columns.Count; i++)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {columns[i].Name,-24}{flops / best[i] / 1e9,8:F1}"));
        }
    }

    private static void RunVariant(Variant v, int s, float[] a, float[] b, float[] c)
    {
        fixed (float* pa = a, pb = b, pc = c)
        {
            // GemmBlocking checks each variant against its tile and the packing buffers are sized from it, so no variant
            // can write past them.
            if (v.Avx512)
                GemmBlocked<Microkernel8x48Avx512>.Multiply(false, false, s, s, s, 1f, pa, s, pb, s, 0f, pc, s, new GemmBlocking(8, 48, v.MC, v.KC, v.NC));
            else
                GemmBlocked<Microkernel6x16Avx2>.Multiply(false, false, s, s, s, 1f, pa, s, pb, s, 0f, pc, s, new GemmBlocking(6, 16, v.MC, v.KC, v.NC));
        }
    }

    private static float[] Fill(long length, int seed)
    {
        var r = new Random(seed);
        var x = new float[length];
        for (long i = 0; i < length; i++) x[i] = (float)(r.NextDouble() * 2 - 1);
        return x;
    }
}
