using System.Globalization;
using SimdSoftmax.Anchors;

namespace SimdSoftmax.Benchmarks;

/// <summary>
/// <c>gemm-tiles</c>: the blocked driver with each candidate microkernel and block size, single thread, thread CPU time,
/// so the tiles and blocking in the tuning table (Tuning.GemmAvx2Tiles / GemmAvx512Tiles) are chosen by measurement.
/// </summary>
internal static unsafe class GemmTileSweep
{
    public static void Run(string[] args)
    {
        int size = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1024;
        float[] a = new float[size * size], b = new float[size * size], c = new float[size * size];
        var r = new Random(1);
        for (int i = 0; i < a.Length; i++) { a[i] = (float)r.NextDouble(); b[i] = (float)r.NextDouble(); }
        Console.WriteLine($"{size}^3, GFLOPS (best thread CPU time); peak 256-bit {MachineLimits.FmaPeakGflops256():F1}, 512-bit {MachineLimits.FmaPeakGflops512():F1}");
        var cases = new List<(string, Action)>();
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            nint A = (nint)pa, B = (nint)pb, C = (nint)pc;
            void Add<T>(string name, int mc, int kc, int nc) where T : IGemmMicrokernel =>
                cases.Add(($"{name} MC={mc} KC={kc} NC={nc}", () => GemmBlocked<T>.Multiply(false, false, size, size, size, 1f,
                    (float*)A, size, (float*)B, size, 0f, (float*)C, size, new GemmBlocking(T.MR, T.NR, mc, kc, nc))));
            if (args.Contains("avx2") || !args.Contains("avx512"))
            {
                Add<Microkernel6x16Avx2>("6x16 avx2", 144, 256, 3072);
                Add<Microkernel6x16Avx2>("6x16 avx2", 96, 512, 3072);
                Add<Microkernel6x16Avx2>("6x16 avx2", 192, 512, 3072);
                Add<Microkernel6x16Avx2>("6x16 avx2", 72, 1024, 3072);
            }
            if (args.Contains("avx512") || !args.Contains("avx2"))
            {
                Add<Microkernel12x32Avx512>("12x32", 192, 384, 3072);
                Add<Microkernel12x32Avx512>("12x32", 144, 256, 3072);
                Add<Microkernel12x32Avx512>("12x32", 240, 192, 3072);
                Add<Microkernel8x48Avx512>("8x48", 192, 384, 3072);
                Add<Microkernel8x48Avx512>("8x48", 128, 512, 3072);
                Add<Microkernel8x48Avx512>("8x48", 256, 256, 3072);
                Add<Microkernel8x48Avx512>("8x48", 256, 128, 3072);
                Add<Microkernel6x64Avx512>("6x64", 192, 256, 3072);
            }
            void Kernel<T>(string name) where T : IGemmMicrokernel =>
                cases.Add(($"{name} kernel only, L1-resident", () =>
                {
                    // 16 calls per C tile over the same 256-deep packed panels: the kernel's own ceiling.
                    for (int i = 0; i < size * size / (T.MR * T.NR) * size / 256 / 16; i++)
                        for (int t = 0; t < 16; t++)
                            T.Run(256, (float*)A, (float*)B, (float*)C, 64, 1f, 1f);
                }));
            if (args.Contains("packing"))
            {
                // The packing work of one size³ multiply with the AVX-512 blocking (MC 128, KC 512, NC ≥ size).
                float[] packA = new float[128 * 512 + 64], packB = new float[512 * (size + 48)];
                cases.Clear();
                cases.Add(("PackPanelA (8-row panels, all of A)", () =>
                {
                    fixed (float* d = packA)
                        for (int pc = 0; pc < size; pc += 512)
                            for (int ic = 0; ic < size; ic += 128)
                                PackPanels.PackPanelA(8, false, (float*)A, size, ic, pc, Math.Min(128, size - ic), Math.Min(512, size - pc), d);
                }));
                cases.Add(("PackPanelB (48-col panels, all of B)", () =>
                {
                    fixed (float* d = packB)
                        for (int pc = 0; pc < size; pc += 512)
                            PackPanels.PackPanelB(48, false, (float*)B, size, pc, 0, Math.Min(512, size - pc), size, d);
                }));
                cases.Add(("8x48 full GEMM", () => GemmBlocked<Microkernel8x48Avx512>.Multiply(false, false, size, size, size, 1f,
                    (float*)A, size, (float*)B, size, 0f, (float*)C, size, new GemmBlocking(8, 48, 128, 512, 3072))));
                double work = 2.0 * size * size * size;
                var t = new double[cases.Count];
                Array.Fill(t, double.MaxValue);
                for (int round = 0; round < 8; round++)
                    for (int i = 0; i < cases.Count; i++)
                    {
                        double t0 = ThreadCpuClock.Seconds();
                        cases[i].Item2();
                        t[i] = Math.Min(t[i], ThreadCpuClock.Seconds() - t0);
                    }
                for (int i = 0; i < cases.Count; i++)
                    Console.WriteLine($"{cases[i].Item1,-40}{t[i] * 1e3,8:F3} ms ({100 * t[i] / t[^1],5:F1} % of the GEMM)");
                return;
            }
            if (args.Contains("kernels"))
            {
                cases.Clear();
                Kernel<Microkernel6x16Avx2>("6x16 avx2");
                Kernel<Microkernel12x32Avx512>("12x32");
                Kernel<Microkernel8x48Avx512>("8x48");
                Kernel<Microkernel6x64Avx512>("6x64");
            }
            double flops = 2.0 * size * size * size;
            var best = new double[cases.Count];
            Array.Fill(best, double.MaxValue);
            foreach (var (_, run) in cases) run();
            for (int round = 0; round < 6; round++)
                for (int i = 0; i < cases.Count; i++)
                {
                    double t0 = ThreadCpuClock.Seconds();
                    cases[i].Item2();
                    best[i] = Math.Min(best[i], ThreadCpuClock.Seconds() - t0);
                }
            for (int i = 0; i < cases.Count; i++)
                Console.WriteLine($"{cases[i].Item1,-34}{flops / best[i] / 1e9,8:F1}");
        }
    }
}
