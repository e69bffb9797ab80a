using System.Globalization;
using System.Runtime.InteropServices;
using SimdSoftmax.Anchors;

namespace SimdSoftmax.Benchmarks;

/// <summary>
/// Where the skinny GEMM's time goes at the classifier's 5000×3073×10 (A = X, 61 MB): the Avx512 kernels alone in L1,
/// the drivers on an L2-resident A, and the drivers streaming A under several blockings, interleaved round by round in
/// one process (medians of thread CPU time), against the read roofline (A once at the read bandwidth measured here).
/// Usage: <c>gemm-sweep skinny-probe [avx2] [rounds=N] [dot=panelRows,depthChunk,prefetchPanels,prefetchFloats …]
/// [outer=depthChunk,prefetchChunks,prefetchFloats[,residentDepthChunk] …] [resident=depthChunk …]</c>; without dot=/outer= a built-in list of blockings is run;
/// avx2: the drivers run the Avx2 kernels (the kernel-alone rows stay Avx512).
/// </summary>
internal static unsafe class GemmSkinnySweep
{
    private const int M = 5000, K = 3073, N = 10, ResidentRows = 64;

    private sealed record Case(string Name, double Flops, double Bytes, Action Run);

    public static void Run(string[] args)
    {
        if (!KernelPaths.IsSupported(KernelPath.Avx512))
        {
            Console.WriteLine("skinny-probe: this CPU has no AVX-512 path; nothing to measure.");
            return;
        }
        int rounds = int.Parse(Arg(args, "rounds=") ?? "9", CultureInfo.InvariantCulture);
        var dots = args.Where(a => a.StartsWith("dot=", StringComparison.Ordinal)).Select(a => Ints(a[4..]))
            .Select(v => new SkinnyDotBlocking(v[0], v[1], v[2], v[3])).ToList();
        var outers = args.Where(a => a.StartsWith("outer=", StringComparison.Ordinal)).Select(a => Ints(a[6..]))
            .Select(v => new SkinnyOuterBlocking(v[0], v[1], v[2], v.Length > 3 ? v[3] : Tuning.GemmOuterDepthChunkResident)).ToList();
        if (dots.Count == 0 && outers.Count == 0)
        {
            const int all = Tuning.GemmOuterDepthChunkResident;
            dots = [Tuning.GemmDotBlocking, new(8, 512, 0, 512), new(8, 256, 1, 0), new(4, 512, 1, 0), new(8, 512, 2, 0)];
            outers = [Tuning.GemmOuterBlocking, Tuning.GemmOuterBlockingAvx2, new(16, 0, 256, all), new(32, 1, 0, all), new(64, 0, 256, all)];
        }

        double peak = MachineLimits.FmaPeakGflops512(), read = MachineLimits.ReadBandwidthGBs();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ISA: {KernelPaths.IsaSummary()}; FMA peak {peak:F1} GFLOPS (512-bit); read {read:F1} GB/s (1 thread); load {Load()}"));

        float* x = Alloc((long)M * K, 1), w = Alloc((long)K * N, 2), ds = Alloc((long)M * N, 3), c = Alloc((long)M * N, 0);
        nint ldbt = GemmSkinny.TransposedBStride(K);
        float* wt = Alloc(N * ldbt, 0);
        GemmSkinny.TransposeB(N, K, w, N, wt, ldbt);
        int width = GemmSkinny.OuterBWidth<SkinnyOuter32x10Avx512>(N);
        float* dsp = Alloc((long)width * M, 0);
        GemmSkinny.PackNarrowB(N, M, ds, N, 1, width, dsp);
        float* l1 = Alloc(16 * 1024, 4);          // kernels alone: every operand in L1
        float* accBuf = Alloc(1024, 0);
        int* offsets = stackalloc int[8];
        for (int i = 0; i < 8; i++) offsets[i] = i;
        int* vecOffsets = stackalloc int[8];
        vecOffsets[0] = 0; vecOffsets[1] = 16;
        int* rowOffsets = offsets, colOffsets = offsets;
        int* vecs = vecOffsets;
        double xBytes = (double)M * K * sizeof(float);

        var cases = new List<Case>
        {
            new("dot kernel in L1 (4×512 · 5×512)", 2.0 * 4 * 5 * 512 * 2000, 0, () =>
            {
                for (int r = 0; r < 2000; r++) SkinnyDot4x5Avx512.Run(512, l1, 512, l1 + 2048, 512, rowOffsets, colOffsets, accBuf, r > 0);
            }),
            new("outer kernel in L1 (32 rows × 32)", 2.0 * 32 * 10 * 32 * 4000, 0, () =>
            {
                for (int r = 0; r < 4000; r++) SkinnyOuter32x10Avx512.Run(32, l1, 32, vecs, l1 + 1024, 16, accBuf, 64, r > 0);
            }),
            new("outer kernel, 32 rows at lda 3073", 2.0 * 32 * 10 * 32 * 4000, 0, () =>
            {
                for (int r = 0; r < 4000; r++) SkinnyOuter32x10Avx512.Run(32, x, 3073, vecs, l1 + 1024, 16, accBuf, 64, r > 0);
            }),
            new("outer kernel, 32 rows at lda 3088", 2.0 * 32 * 10 * 32 * 4000, 0, () =>
            {
                for (int r = 0; r < 4000; r++) SkinnyOuter32x10Avx512.Run(32, x, 3088, vecs, l1 + 1024, 16, accBuf, 64, r > 0);
            }),
            new($"dot L2-res {ResidentRows}×{K}×{N} ×78", 2.0 * ResidentRows * N * K * 78, 0, () =>
            {
                for (int r = 0; r < 78; r++) GemmSkinny.Dot<SkinnyDot4x5Avx512>(0, ResidentRows, N, K, 1f, x, K, wt, ldbt, 0f, c, N);
            }),
            new($"outer L2-res {K}×{ResidentRows}×{N} ×78", 2.0 * ResidentRows * N * K * 78, 0, () =>
            {
                for (int r = 0; r < 78; r++) GemmSkinny.Outer<SkinnyOuter32x10Avx512>(0, K, N, ResidentRows, 1f, x, K, dsp, width, 0f, c, N);
            }),
        };
        bool avx2 = args.Contains("avx2");
        float* sums = Alloc(64, 0);
        cases.Add(new("dot sums: SumTile ×100000 (20 each)", 2.0 * 20 * 16 * 100000, 0, () =>
        {
            for (int r = 0; r < 100000; r++) SkinnyDot4x5Avx512.SumTile(accBuf, sums);
        }));
        cases.Add(new("dot sums: Sum ×20 ×100000", 2.0 * 20 * 16 * 100000, 0, () =>
        {
            for (int r = 0; r < 100000; r++)
                for (int s = 0; s < 20; s++) sums[s] = SkinnyDot4x5Avx512.Sum(accBuf + s * 16);
        }));
        string isa = avx2 ? "Avx2" : "Avx512";
        foreach (int residentChunk in args.Where(a => a.StartsWith("resident=", StringComparison.Ordinal)).Select(a => int.Parse(a[9..], CultureInfo.InvariantCulture))
                     .DefaultIfEmpty(Tuning.GemmOuterDepthChunkResident))
        {
            SkinnyOuterBlocking rb = Tuning.GemmOuterBlocking with { ResidentDepthChunk = residentChunk };
            cases.Add(new($"{isa} outer MNIST 784×100×10 ×300 k{residentChunk}", 2.0 * 784 * 100 * N * 300, 0, () =>
            {
                for (int r = 0; r < 300; r++)
                    if (avx2) GemmSkinny.OuterWith<SkinnyOuter16x5Avx2>(0, 784, N, 100, 1f, x, 784, dsp, width, 0f, c, N, rb);
                    else GemmSkinny.OuterWith<SkinnyOuter32x10Avx512>(0, 784, N, 100, 1f, x, 784, dsp, width, 0f, c, N, rb);
            }));
            cases.Add(new($"{isa} outer L2-res 3073×64×10 ×78 k{residentChunk}", 2.0 * ResidentRows * N * K * 78, 0, () =>
            {
                for (int r = 0; r < 78; r++)
                    if (avx2) GemmSkinny.OuterWith<SkinnyOuter16x5Avx2>(0, K, N, ResidentRows, 1f, x, K, dsp, width, 0f, c, N, rb);
                    else GemmSkinny.OuterWith<SkinnyOuter32x10Avx512>(0, K, N, ResidentRows, 1f, x, K, dsp, width, 0f, c, N, rb);
            }));
        }
        foreach (SkinnyDotBlocking b in dots)
            cases.Add(new($"{isa} X·W dot {b.PanelRows}r k{b.DepthChunk} pf {b.PrefetchPanels}p+{b.PrefetchFloats}", 2.0 * M * N * K, xBytes, () =>
            {
                if (avx2) GemmSkinny.DotWith<SkinnyDot2x5Avx2>(0, M, N, K, 1f, x, K, wt, ldbt, 0f, c, N, b);
                else GemmSkinny.DotWith<SkinnyDot4x5Avx512>(0, M, N, K, 1f, x, K, wt, ldbt, 0f, c, N, b);
            }));
        foreach (SkinnyOuterBlocking b in outers)
            cases.Add(new($"{isa} Xᵀ·dS outer k{b.DepthChunk} pf {b.PrefetchChunks}c+{b.PrefetchFloats}", 2.0 * M * N * K, xBytes, () =>
            {
                if (avx2) GemmSkinny.OuterWith<SkinnyOuter16x5Avx2>(0, K, N, M, 1f, x, K, dsp, width, 0f, c, N, b);
                else GemmSkinny.OuterWith<SkinnyOuter32x10Avx512>(0, K, N, M, 1f, x, K, dsp, width, 0f, c, N, b);
            }));

        var times = cases.Select(_ => new List<double>()).ToArray();
        foreach (Case k in cases) k.Run();
        for (int round = 0; round < rounds; round++)
            for (int i = 0; i < cases.Count; i++)
            {
                double t0 = ThreadCpuClock.Seconds();
                cases[i].Run();
                times[i].Add(ThreadCpuClock.Seconds() - t0);
            }
        Console.WriteLine($"medians of {rounds} interleaved rounds, thread CPU time; load after {Load()}");
        Console.WriteLine($"{"case",-44}{"ms",9}{"GFLOPS",8}{"%peak",7}{"%read",7}");
        for (int i = 0; i < cases.Count; i++)
        {
            double t = Median(times[i]), g = cases[i].Flops / t / 1e9;
            string roof = cases[i].Bytes > 0 ? (100 * cases[i].Bytes / (read * 1e9) / t).ToString("F0", CultureInfo.InvariantCulture) : "-";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{cases[i].Name,-44}{t * 1e3,9:F2}{g,8:F1}{100 * g / peak,7:F0}{roof,7}"));
        }
    }

    private static string? Arg(string[] args, string prefix) =>
        args.FirstOrDefault(a => a.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..];

    private static int[] Ints(string s) => s.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();

    private static double Median(List<double> v)
    {
        var s = v.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    /// <summary>Never freed: the probe runs once per process.</summary>
    private static float* Alloc(long length, int seed)
    {
        var p = (float*)NativeMemory.AlignedAlloc((nuint)(length * sizeof(float)), 64);
        var r = new Random(seed);
        for (long i = 0; i < length; i++) p[i] = seed == 0 ? 0f : (float)(r.NextDouble() * 2 - 1);
        return p;
    }
}
