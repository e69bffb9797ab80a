using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using SimdSoftmax.Anchors;

namespace SimdSoftmax.Benchmarks;

/// <summary>
/// Quick table (~1 min, timed with the thread CPU clock): softmax and log-softmax throughput on every path and the TensorPrimitives anchors,
/// rows of 10 … 10⁶, as a 40 MB batch (out of cache) and a 64 KB batch (in cache), against measured copy bandwidth.
/// <c>dotnet run -c Release --project bench/SimdSoftmax.Benchmarks -- softmax-sweep [threshold]</c>
/// </summary>
public static class SoftmaxSweep
{
    private const int BigFloats = 10 * 1024 * 1024;   // 40 MB
    private const int SmallFloats = 16 * 1024;        // 64 KB

    public static void Run(string[] args)
    {
        if (args.Contains("threshold")) { Threshold(args.Select(a => int.TryParse(a, out int n) ? n : 0).Where(n => n > 0).ToArray(), args.Contains("log")); return; }
        if (args.Contains("ratio")) { Ratios(); return; }
        if (args.Contains("threads")) { Threads(args.Select(a => int.TryParse(a, out int n) ? n : 0).Where(n => n > 0).ToArray()); return; }
        if (args.Contains("crossover"))
        {
            int kb = args.Where(a => a.StartsWith("kb=")).Select(a => int.Parse(a[3..])).DefaultIfEmpty(BigFloats / 256).First();
            PipelineStreaming(args.Select(a => int.TryParse(a, out int n) ? n : 0).Where(n => n > 0).ToArray(), kb * 256);
            return;
        }
        if (args.Contains("ceavx2short")) { CrossEntropyAvx2Short(args.Select(a => int.TryParse(a, out int n) ? n : 0).Where(n => n > 0).ToArray()); return; }
        if (args.Contains("avx2short")) { Avx2Short(args.Select(a => int.TryParse(a, out int n) ? n : 0).Where(n => n > 0).ToArray()); return; }
        if (args.Contains("prefetch")) { Prefetch(args.Select(a => int.TryParse(a, out int n) ? n : 0).Where(n => n > 0).ToArray()); return; }
        if (args.Contains("cerows")) { CrossEntropyRows(args.Select(a => int.TryParse(a, out int n) ? n : 0).Where(n => n > 0).ToArray()); return; }
        if (args.Contains("stream")) { Streaming(args.Select(a => int.TryParse(a, out int n) ? n : 0).Where(n => n > 0).ToArray()); return; }
        if (args.Contains("short")) { ShortRows(args.Contains("cols"), args.Select(a => int.TryParse(a, out int n) ? n : 0).Where(n => n > 0).ToArray()); return; }
        Console.WriteLine($"softmax-sweep: {KernelPaths.IsaSummary()}; single thread, timed in thread CPU time; G el/s = 10⁹ elements/s, GB/s at 8 bytes/element (read x + write y)");
        double copy = MachineLimits.CopyBandwidthGBs();
        Console.WriteLine($"copy bandwidth (MachineLimits: 64 MiB Span.CopyTo, read+write bytes): {copy:F1} GB/s = {copy / 8:F2} G el/s limit");
        var columns = new List<(string Name, Action<float[], float[], int> Run)>
        {
            ("Scalar", (x, y, c) => Softmax.Rows(x, y, c, KernelPath.Scalar)),
        };
        foreach (KernelPath p in KernelPaths.Available.Where(p => p != KernelPath.Scalar))
            columns.Add((p.ToString(), (x, y, c) => Softmax.Rows(x, y, c, p)));
        columns.Add(("TP.SoftMax", TensorPrimitivesSoftMax));
        columns.Add(("TP compose", TensorPrimitivesStable));
        var logColumns = new List<(string Name, Action<float[], float[], int> Run)>
        {
            ("Scalar", (x, y, c) => Softmax.LogRows(x, y, c, KernelPath.Scalar)),
        };
        foreach (KernelPath p in KernelPaths.Available.Where(p => p != KernelPath.Scalar))
            logColumns.Add((p.ToString(), (x, y, c) => Softmax.LogRows(x, y, c, p)));
        logColumns.Add(("TP compose", TensorPrimitivesStableLog));

        foreach ((string title, var cols) in new[] { ("softmax", columns), ("log-softmax", logColumns) })
        {
            Console.WriteLine();
            Console.WriteLine($"{title}: G el/s (GB/s, % of copy for 40 MB)");
            Console.WriteLine($"{"cols",-8} {"batch",-6}" + string.Concat(cols.Select(c => $"{c.Name,22}")));
            foreach (int n in new[] { 10, 100, 1000, 10_000, 1_000_000 })
                foreach (bool big in new[] { true, false })
                {
                    int total = big ? BigFloats / n * n : n == 1_000_000 ? n : Math.Max(n, SmallFloats / n * n);
                    string batch = big ? "40MB" : n == 1_000_000 ? "1 row" : "64KB";
                    float[] x = MakeInput(total), y = new float[total];
                    var line = $"{n,-8} {batch,-6}";
                    foreach (var c in cols)
                    {
                        double gel = Measure(() => c.Run(x, y, n), total);
                        line += big ? $"{gel,8:F2} ({gel * 8,5:F1}, {gel * 8 / copy,4:P0})" : $"{gel,8:F2} ({gel * 8,5:F1}){"",7}";
                    }
                    Console.WriteLine(line);
                }
        }
    }

    /// <summary>
    /// Out-of-cache streaming (~1 min): softmax, log-softmax and cross-entropy loss+gradient on 40 MB batches, rows of 10, 100, 1000, 32000 (or the
    /// lengths given), Avx512 and Avx2, as % of copy bandwidth. Every column of a row length, and a Span.CopyTo of the
    /// same 40 MB (the interleaved copy limit), is sampled once per round (after an untimed call of its own), 9 rounds, median in thread CPU time; the
    /// MachineLimits copy figures (Span.CopyTo and non-temporal stores, 64 MiB, best of 3) are measured in the same run.
    /// </summary>
    private static void Streaming(int[] lengths)
    {
        double copy = MachineLimits.CopyBandwidthGBs(), copyNt = MachineLimits.CopyNonTemporalGBs();
        string load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        Console.WriteLine($"streaming softmax, 40 MB batches, 1 thread, {KernelPaths.IsaSummary()}; load average {load}");
        Console.WriteLine($"limits (MachineLimits, same run): copy {copy:F1} GB/s (Span.CopyTo), {copyNt:F1} GB/s (non-temporal) = {Math.Max(copy, copyNt) / 8:F2} G el/s at 8 bytes/element");
        var paths = KernelPaths.Available.Where(p => p != KernelPath.Scalar).Reverse().ToArray();
        var names = new List<string>();
        foreach (KernelPath p in paths) names.Add($"{p} softmax");
        foreach (KernelPath p in paths) names.Add($"{p} log");
        foreach (KernelPath p in paths) names.Add($"{p} ce");
        names.Add("CopyTo");
        Console.WriteLine("G el/s, medians of 9 interleaved rounds (% of the best copy: max(MachineLimits, interleaved CopyTo))");
        Console.WriteLine($"{"cols",-7}" + string.Concat(names.Select(n => $"{n,22}")));
        foreach (int n in lengths.Length > 0 ? lengths : new[] { 10, 100, 1000, 32000 })
        {
            int total = BigFloats / n * n;
            float[] x = MakeInput(total), y = new float[total];
            int[] labels = MakeLabels(total / n, n);
            var runs = new List<Action>();
            foreach (KernelPath p in paths) runs.Add(() => Softmax.Rows(x, y, n, p));
            foreach (KernelPath p in paths) runs.Add(() => Softmax.LogRows(x, y, n, p));
            foreach (KernelPath p in paths) runs.Add(() => SoftmaxCrossEntropy.LossAndGradient(x, labels, y, n, p));
            runs.Add(() => x.AsSpan().CopyTo(y));
            double[] med = InterleavedMedians(runs, total, 9, Timing.OneCallAfterUntimed);
            double limit = Math.Max(Math.Max(copy, copyNt) / 8, med[^1]);
            Console.WriteLine($"{n,-7}" + string.Concat(med.Select(g => $"{g,12:F2} ({g / limit,6:P0})")));
        }
        InCache(paths);
    }

    /// <summary>
    /// Softmax of rows of 1000 in cache (64 KB), per path, 15 interleaved rounds of ≥ 5 ms, medians, against the FMA
    /// bound measured in the same run: a softmax element costs 9 FMA-pipe vector operations per lane (exp: 8 FMA/multiply
    /// of rr2-p5; the final scaling: 1), so the bound is the FMA peak / 2 flops / 9 per element.
    /// </summary>
    private static void InCache(KernelPath[] paths)
    {
        const int n = 1000, total = SmallFloats / n * n;
        float[] x = MakeInput(total), y = new float[total];
        var runs = paths.Select(p => (Action)(() => Softmax.Rows(x, y, n, p))).Append(() => x.AsSpan().CopyTo(y)).ToArray();
        double[] med = InterleavedMedians(runs, total, 15, Timing.CpuFor5Ms);
        Console.WriteLine($"softmax rows of 1000 in cache (64 KB), G el/s; in-cache CopyTo {med[^1]:F2} G el/s");
        for (int i = 0; i < paths.Length; i++)
        {
            double peak = paths[i] == KernelPath.Avx512 ? MachineLimits.FmaPeakGflops512() : MachineLimits.FmaPeakGflops256();
            double bound = peak / 2 / 9;
            Console.WriteLine($"  {paths[i],-7} {med[i],6:F2} = {med[i] / bound,4:P0} of the FMA bound {bound:F2} (FMA peak {peak:F0} GFLOPS, same run)");
        }
    }

    /// <summary>
    /// Threads (~1 min): softmax, log-softmax and cross-entropy loss+gradient through the strided entries with threads = 1
    /// and 2, on 256 KB and 1 MB batches (in cache) and 40 MB (out of cache), rows of 10, 100, 1000 (or the lengths
    /// given). Wall time (threads), 15 interleaved rounds of ≥ 5 ms each, medians in G el/s and the 2-thread speed-up.
    /// </summary>
    private static void Threads(int[] lengths)
    {
        string load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        Console.WriteLine($"threads: wall time, {Environment.ProcessorCount} cores, {KernelPaths.IsaSummary()}; load average {load}");
        Console.WriteLine($"{"cols",-7}{"batch",-7}{"sm 1T",8}{"sm 2T",8}{"x",6}{"log 1T",8}{"log 2T",8}{"x",6}{"ce 1T",8}{"ce 2T",8}{"x",6}");
        foreach (int n in lengths.Length > 0 ? lengths : new[] { 10, 100, 1000 })
            foreach (int floats in new[] { 1 << 16, 1 << 18, BigFloats })
            {
                int rows = floats / n, total = rows * n;
                float[] x = MakeInput(total), y = new float[total];
                int[] labels = MakeLabels(rows, n);
                var runs = new List<Action>();
                foreach (int t in new[] { 1, 2 }) runs.Add(() => Softmax.Rows(x, n, y, n, rows, n, KernelPath.Auto, t));
                foreach (int t in new[] { 1, 2 }) runs.Add(() => Softmax.LogRows(x, n, y, n, rows, n, KernelPath.Auto, t));
                foreach (int t in new[] { 1, 2 }) runs.Add(() => SoftmaxCrossEntropy.LossAndGradient(x, n, labels, y, n, rows, n, KernelPath.Auto, t));
                double[] med = InterleavedMedians(runs, total, 15, Timing.WallFor5Ms);
                string batch = floats == BigFloats ? "40MB" : $"{floats * 4 / 1024}KB";
                Console.WriteLine($"{n,-7}{batch,-7}" + string.Concat(Enumerable.Range(0, 3).Select(k => $"{med[2 * k],8:F2}{med[2 * k + 1],8:F2}{med[2 * k + 1] / med[2 * k],6:F2}")));
            }
    }

    /// <summary>
    /// Out-of-cache kernel choice (<see cref="Tuning.RowPipelineOutOfCacheMaxCols"/>, <see cref="Tuning.LogSoftmaxStreamingMinCols"/>),
    /// A/B on 40 MB or <c>kb=…</c> batches (9 interleaved rounds of ≥ 5 ms, medians, G el/s): the row pipeline, rows one
    /// at a time with non-temporal stores (log-softmax only; softmax never streams, so its column repeats the next), and
    /// rows one at a time with ordinary stores; softmax and log-softmax, both ISAs.
    /// </summary>
    private static unsafe void PipelineStreaming(int[] lengths, int floats)
    {
        string load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        double copy = MachineLimits.CopyBandwidthGBs() / 8, copyNt = MachineLimits.CopyNonTemporalGBs() / 8;
        Console.WriteLine($"streaming crossover A/B, {floats / 256} KB batches; copy {copy:F2} (CopyTo) / {copyNt:F2} (NT) G el/s; load average {load}");
        Console.WriteLine($"{"cols",-7}{"isa",-8}{"kind",-5}{"pipe",8}{"per-row NT(log)",16}{"per-row",9}");
        foreach (int n in lengths.Length > 0 ? lengths : new[] { 512, 640, 768, 896, 1000 })
        {
            int total = Math.Max(2 * n, floats / n * n), rows = total / n;
            float[] x = MakeInput(total), y = new float[total];
            var runs = new List<(string, Action)>();
            foreach (bool log in new[] { false, true })
            {
                runs.Add(($"512 {(log ? "log" : "sm")}", () => Run<Avx512Isa, Vector512<float>>(x, y, false, rows, n, log, 0)));
                runs.Add(("", () => Run<Avx512Isa, Vector512<float>>(x, y, true, rows, n, log, 1)));
                runs.Add(("", () => Run<Avx512Isa, Vector512<float>>(x, y, false, rows, n, log, 1)));
                runs.Add(($"256 {(log ? "log" : "sm")}", () => Run<Avx2Isa, Vector256<float>>(x, y, false, rows, n, log, 0)));
                runs.Add(("", () => Run<Avx2Isa, Vector256<float>>(x, y, true, rows, n, log, 1)));
                runs.Add(("", () => Run<Avx2Isa, Vector256<float>>(x, y, false, rows, n, log, 1)));
            }
            double[] med = InterleavedMedians(runs.Select(r => r.Item2).ToList(), total, 9, Timing.CpuFor5Ms);
            for (int k = 0; k < runs.Count; k += 3)
                Console.WriteLine($"{n,-7}{runs[k].Item1,-13}{med[k],8:F2}{med[k + 1],16:F2}{med[k + 2],9:F2}");
        }

        static void Run<TIsa, V>(float[] x, float[] y, bool stream, int rows, int n, bool log, int kind) where TIsa : struct, ISoftmaxIsa, IVectorOps<V> where V : struct
        {
            fixed (float* px = x, py = y)
            {
                if (kind == 0) SoftmaxRowPipeline.Rows<SoftmaxLongRowKernels<TIsa, V>>(px, py, rows, n, log);
                else
                {
                    for (int r = 0; r < rows; r++) SoftmaxRows<TIsa, V>.Row(px + (nint)r * n, py + (nint)r * n, n, log, stream);
                    if (stream) System.Runtime.Intrinsics.X86.Sse.StoreFence();
                }
            }
        }
    }

    /// <summary>
    /// AVX2 short rows A/B: the 8-row stack tile (<see cref="SoftmaxShortRowTileAvx2"/>) against the driver's choice
    /// (<see cref="SoftmaxShortRowRegistersAvx2"/> for 9…16), softmax and log-softmax, 40 MB and 64 KB; 9 interleaved
    /// rounds of ≥ 5 ms, medians, G el/s (thread CPU time).
    /// </summary>
    private static unsafe void Avx2Short(int[] lengths)
    {
        string load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        Console.WriteLine($"AVX2 short rows A/B, tile vs driver; load average {load}");
        Console.WriteLine($"{"cols",-7}{"batch",-7}{"sm tile",9}{"sm",8}{"log tile",9}{"log",8}");
        foreach (int n in lengths.Length > 0 ? lengths : new[] { 10, 16 })
            foreach (int floats in new[] { BigFloats, SmallFloats })
            {
                int total = floats / n * n, rows = total / n;
                float[] x = MakeInput(total), y = new float[total];
                var runs = new List<Action>();
                foreach (bool log in new[] { false, true })
                {
                    runs.Add(() => { fixed (float* px = x, py = y) SoftmaxShortRowTileAvx2.Rows(px, py, rows, n, log); });
                    runs.Add(() => { fixed (float* px = x, py = y) Avx2Isa.SoftmaxShortRows(px, py, rows, n, log); });
                }
                double[] med = InterleavedMedians(runs, total, 9, Timing.CpuFor5Ms);
                Console.WriteLine($"{n,-7}{(floats == BigFloats ? "40MB" : "64KB"),-7}{med[0],9:F2}{med[1],8:F2}{med[2],9:F2}{med[3],8:F2}");
            }
    }

    /// <summary>
    /// AVX2 short-row cross-entropy A/B, loss + gradient: the 8-row stack tile (<see cref="CrossEntropyShortRowTileAvx2"/>)
    /// against the register kernel (<see cref="CrossEntropyShortRowRegistersAvx2"/>), and CopyTo as the limit, 40 MB and
    /// 64 KB; 9 interleaved rounds of ≥ 5 ms, medians, G el/s (thread CPU time).
    /// </summary>
    private static unsafe void CrossEntropyAvx2Short(int[] lengths)
    {
        string load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        Console.WriteLine($"AVX2 short-row cross-entropy loss+grad A/B, tile vs registers; load average {load}");
        Console.WriteLine($"{"cols",-7}{"batch",-7}{"tile",8}{"regs",8}{"CopyTo",8}");
        foreach (int n in lengths.Length > 0 ? lengths : new[] { 10, 16 })
            foreach (int floats in new[] { BigFloats, SmallFloats })
            {
                int rows = floats / n / 8 * 8, total = rows * n;
                float[] x = MakeInput(total), g = new float[total];
                int[] labels = MakeLabels(rows, n);
                var runs = new Action[]
                {
                    () => { fixed (float* px = x, pg = g) fixed (int* pl = labels) CrossEntropyShortRowTileAvx2.Run(px, pl, rows, n, n, pg, n, 1f / rows); },
                    () => { fixed (float* px = x, pg = g) fixed (int* pl = labels) CrossEntropyShortRowRegistersAvx2.Run(px, pl, rows, n, n, pg, n, 1f / rows); },
                    () => x.AsSpan().CopyTo(g),
                };
                double[] med = InterleavedMedians(runs, total, 9, Timing.CpuFor5Ms);
                Console.WriteLine($"{n,-7}{(floats == BigFloats ? "40MB" : "64KB"),-7}{med[0],8:F2}{med[1],8:F2}{med[2],8:F2}");
            }
    }

    /// <summary>
    /// Next-row prefetch A/B (<see cref="Tuning.LongRowPrefetch"/>), 40 MB batches, rows one at a time as the driver runs
    /// them out of cache (log-softmax streaming from <see cref="Tuning.LogSoftmaxStreamingMinCols"/>): without and with
    /// the prefetch, softmax and log-softmax, both ISAs, and CopyTo; 9 interleaved rounds, medians, G el/s (thread CPU time).
    /// Each timed call follows an untimed call of the same kind, so no column inherits another's cache state.
    /// </summary>
    private static unsafe void Prefetch(int[] lengths)
    {
        string load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        double copy = Math.Max(MachineLimits.CopyBandwidthGBs(), MachineLimits.CopyNonTemporalGBs()) / 8;
        Console.WriteLine($"next-row prefetch A/B, 40 MB batches; copy limit {copy:F2} G el/s; load average {load}");
        Console.WriteLine($"{"cols",-7}{"512 sm",8}{"+pf",8}{"512 log",8}{"+pf",8}{"256 sm",8}{"+pf",8}{"256 log",8}{"+pf",8}{"CopyTo",8}");
        foreach (int n in lengths.Length > 0 ? lengths : new[] { 1000, 4096, 32000 })
        {
            int total = BigFloats / n * n, rows = total / n;
            float[] x = MakeInput(total), y = new float[total];
            var runs = new List<Action>();
            foreach (bool log in new[] { false, true })
                foreach (bool pf in new[] { false, true })
                    runs.Add(() => Run<Avx512Isa, Vector512<float>>(x, y, rows, n, log, pf));
            foreach (bool log in new[] { false, true })
                foreach (bool pf in new[] { false, true })
                    runs.Add(() => Run<Avx2Isa, Vector256<float>>(x, y, rows, n, log, pf));
            runs.Add(() => x.AsSpan().CopyTo(y));
            double[] med = InterleavedMedians(runs, total, 9, Timing.OneCallAfterUntimed);
            Console.WriteLine($"{n,-7}" + string.Concat(med.Select(g => $"{g,8:F2}")));
        }

        static void Run<TIsa, V>(float[] x, float[] y, int rows, int n, bool log, bool prefetch) where TIsa : struct, ISoftmaxIsa, IVectorOps<V> where V : struct
        {
            bool stream = log && n >= Tuning.LogSoftmaxStreamingMinCols;
            fixed (float* px = x, py = y)
            {
                for (int r = 0; r < rows; r++)
                {
                    nint o = (nint)r * n;
                    SoftmaxRows<TIsa, V>.Row(px + o, py + o, n, log, stream, prefetch && r + 1 < rows ? px + o + n : null);
                }
                if (stream) System.Runtime.Intrinsics.X86.Sse.StoreFence();
            }
        }
    }

    /// <summary>
    /// Cross-entropy loss+gradient on rows longer than the short-row kernels take, A/B (9 interleaved rounds of ≥ 5 ms,
    /// medians, G el/s, 40 MB and 64 KB): one row at a time (<c>CrossEntropyLongRow.Row</c>) against the row pipeline
    /// (<c>CrossEntropyLongRow.Rows</c>), both ISAs.
    /// </summary>
    private static unsafe void CrossEntropyRows(int[] lengths)
    {
        string load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        Console.WriteLine($"cross-entropy rows A/B, G el/s; load average {load}");
        Console.WriteLine($"{"cols",-7}{"batch",-7}{"512 row",9}{"512 pipe",10}{"256 row",9}{"256 pipe",10}");
        foreach (int n in lengths.Length > 0 ? lengths : new[] { 65, 100, 1000, 32000 })
            foreach (bool big in new[] { true, false })
            {
                int total = (big ? BigFloats : Math.Max(n, SmallFloats)) / n * n, rows = total / n;
                float[] x = MakeInput(total), g = new float[total];
                int[] labels = MakeLabels(rows, n);
                var runs = new Action[]
                {
                    () => Run<Avx512Isa, Vector512<float>>(x, labels, g, rows, n, false),
                    () => Run<Avx512Isa, Vector512<float>>(x, labels, g, rows, n, true),
                    () => Run<Avx2Isa, Vector256<float>>(x, labels, g, rows, n, false),
                    () => Run<Avx2Isa, Vector256<float>>(x, labels, g, rows, n, true),
                };
                double[] med = InterleavedMedians(runs, total, 9, Timing.CpuFor5Ms);
                Console.WriteLine($"{n,-7}{(big ? "40MB" : "64KB"),-7}{med[0],9:F2}{med[1],10:F2}{med[2],9:F2}{med[3],10:F2}");
            }

        static void Run<T, V>(float[] s, int[] labels, float[] g, int rows, int n, bool pipeline) where T : struct, IVectorOps<V> where V : struct
        {
            fixed (float* ps = s, pg = g)
            fixed (int* pl = labels)
            {
                if (pipeline) CrossEntropyLongRow<T, V>.Rows(ps, pl, rows, n, n, pg, n, 1f / rows, 0);
                else
                    for (int r = 0; r < rows; r++) CrossEntropyLongRow<T, V>.Row(ps + (nint)r * n, pl[r], n, pg + (nint)r * n, 1f / rows);
            }
        }
    }

    /// <summary>
    /// Short rows only (~20 s): softmax, log-softmax and cross-entropy loss+gradient on logits, rows of 10 as 40 MB and 64 KB batches (with
    /// <c>cols</c>: every length 2…64, or the lengths given as numbers, 64 KB batches), every SIMD path next to TensorPrimitives.SoftMax.
    /// </summary>
    private static unsafe void ShortRows(bool allCols, int[] lengths)
    {
        double copy = MachineLimits.CopyBandwidthGBs() / 8;
        Console.WriteLine($"short rows: G el/s; copy limit {copy:F2} G el/s; ratio = vs TP.SoftMax");
        var paths = KernelPaths.Available.Where(p => p != KernelPath.Scalar).ToArray();
        foreach (int n in allCols ? Enumerable.Range(2, 63).ToArray() : lengths.Length > 0 ? lengths : new[] { 10 })
            foreach (bool big in allCols || lengths.Length > 0 ? new[] { false } : new[] { true, false })
            {
                int total = (big ? BigFloats : SmallFloats) / n * n;
                float[] x = MakeInput(total), y = new float[total];
                int[] labels = new int[total / n];
                var rng = new Random(3);
                for (int i = 0; i < labels.Length; i++) labels[i] = rng.Next(n);
                double tp = Measure(() => TensorPrimitivesSoftMax(x, y, n), total);
                var line = $"cols={n,-3} {(big ? "40MB" : "64KB"),-5} TP {tp,5:F2}";
                foreach (KernelPath p in paths)
                {
                    double sm = Measure(() => Softmax.Rows(x, y, n, p), total);
                    double lg = Measure(() => Softmax.LogRows(x, y, n, p), total);
                    double ce = Measure(() => SoftmaxCrossEntropy.LossAndGradient(x, labels, y, n, p), total);
                    line += $" | {p} sm {sm,5:F2} ({sm / tp,4:F1}x {sm / copy,4:P0}) log {lg,5:F2} ({lg / sm,4:P0}) ce {ce,5:F2} ({ce / copy,4:P0})";
                }
                if (KernelPaths.IsSupported(KernelPath.Avx512) && n <= SoftmaxShortRowTileAvx512.MaxCols)
                {
                    // The alternatives to the AVX-512 in-register kernels at these lengths: the stack-tile softmax and the 8-row AVX2 CE.
                    int rows = total / n, rows8 = rows / 8 * 8;
                    double sm, lg, ce = double.NaN;
                    fixed (float* px = x, py = y)
                    fixed (int* pl = labels)
                    {
                        float* a = px, b = py;
                        int* l = pl;
                        sm = Measure(() => SoftmaxShortRowTileAvx512.Rows(a, b, rows, n, false), total);
                        lg = Measure(() => SoftmaxShortRowTileAvx512.Rows(a, b, rows, n, true), total);
                        if (n <= CrossEntropyShortRowTileAvx2.MaxClasses)
                            ce = Measure(() => CrossEntropyShortRowTileAvx2.Run(a, l, rows8, n, n, b, n, 1f / rows8), (long)rows8 * n);
                    }
                    line += $" | tile sm {sm,5:F2} ({sm / tp,4:F1}x {sm / copy,4:P0}) log {lg,5:F2} ({lg / sm,4:P0}) ce {ce,5:F2} ({ce / copy,4:P0})";
                }
                Console.WriteLine(line);
            }
    }

    /// <summary>Compares the transposed short-row kernel with the per-row kernels (the row pipeline, as the long-row path runs them) for each row length (2…24, then every 8th to 64, or the given lengths ≤ 64), 64 KB batches; softmax, or log-softmax with <c>log</c>.</summary>
    private static unsafe void Threshold(int[] lengths, bool log)
    {
        Console.WriteLine($"cols  short-Avx2  pipe-Avx2 short-Avx512  pipe-Avx512   (G el/s, {(log ? "log-softmax" : "softmax")}, 64 KB batch)");
        var all = new List<int>();
        for (int k = 2; k <= 64; k += k < 24 ? 1 : 8) all.Add(k);
        foreach (int n in lengths.Length > 0 ? lengths.Where(n => n <= 64) : all)
        {
            int total = SmallFloats / n * n, rows = total / n;
            float[] x = MakeInput(total), y = new float[total];
            var line = $"{n,-5}";
            fixed (float* px = x, py = y)
            {
                float* a = px, b = py;
                if (KernelPaths.IsSupported(KernelPath.Avx2))
                {
                    line += $"{Measure(() => SoftmaxShortRowTileAvx2.Rows(a, b, rows, n, log), total),11:F2}";
                    line += $"{Measure(() => SoftmaxRowPipeline.Rows<SoftmaxLongRowKernels<Avx2Isa, Vector256<float>>>(a, b, rows, n, log), total),11:F2}";
                }
                if (KernelPaths.IsSupported(KernelPath.Avx512))
                {
                    line += $"{Measure(() => SoftmaxShortRowTileAvx512.Rows(a, b, rows, n, log), total),13:F2}";
                    line += $"{Measure(() => SoftmaxRowPipeline.Rows<SoftmaxLongRowKernels<Avx512Isa, Vector512<float>>>(a, b, rows, n, log), total),13:F2}";
                }
            }
            Console.WriteLine(line);
        }
    }

    /// <summary>
    /// The target ratios measured A/B interleaved (11 rounds, median), which survives a busy machine better than one
    /// pass per column: each path against TensorPrimitives.SoftMax, and log-softmax against softmax.
    /// </summary>
    private static void Ratios()
    {
        foreach ((int n, int total) in new[] { (10, SmallFloats / 10 * 10), (1000, SmallFloats / 1000 * 1000), (1000, BigFloats / 1000 * 1000) })
        {
            float[] x = MakeInput(total), y = new float[total];
            foreach (KernelPath p in KernelPaths.Available.Where(p => p != KernelPath.Scalar))
            {
                // Warm up first: TensorPrimitives' code starts at tier 0 and is promoted only after ~100 ms of calls, so without
                // this the first path's rounds timed unoptimized TensorPrimitives code (a 15× 'ratio' for Avx2 at rows of 1000).
                foreach (Action warm in new Action[] { () => Softmax.Rows(x, y, n, p), () => TensorPrimitivesSoftMax(x, y, n), () => Softmax.LogRows(x, y, n, p) })
                {
                    var clock = Stopwatch.StartNew();
                    while (clock.ElapsedMilliseconds < 300) warm();
                }
                var tp = new List<double>();
                var lg = new List<double>();
                for (int round = 0; round < 11; round++)
                {
                    double a = MeasureOnce(() => Softmax.Rows(x, y, n, p), total);
                    double b = MeasureOnce(() => TensorPrimitivesSoftMax(x, y, n), total);
                    double c = MeasureOnce(() => Softmax.LogRows(x, y, n, p), total);
                    tp.Add(a / b);
                    lg.Add(c / a);
                }
                tp.Sort(); lg.Sort();
                Console.WriteLine($"cols={n,-5} {total * 4 / 1024,6} KB {p,-7} softmax / TP.SoftMax = {tp[5]:F2}x   log-softmax / softmax = {lg[5]:F2}");
            }
        }
    }

    private static double MeasureOnce(Action action, long elements)
    {
        action();
        long calls = 0;
        double t0 = ThreadCpuClock.Seconds(), t;
        do { action(); calls++; } while ((t = ThreadCpuClock.Seconds() - t0) < 0.02);
        return elements * calls / t / 1e9;
    }

    internal static int[] MakeLabels(int rows, int cols)
    {
        var rng = new Random(3);
        var labels = new int[rows];
        for (int i = 0; i < labels.Length; i++) labels[i] = rng.Next(cols);
        return labels;
    }

    internal static float[] MakeInput(int count)
    {
        var rng = new Random(1);
        var x = new float[count];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 20 - 10);
        return x;
    }

    /// <summary>Best of 5 timed repetitions, each running the action for ≥ 40 ms of this thread's CPU time; returns 10⁹ elements/s.</summary>
    internal static double Measure(Action action, long elements)
    {
        action();
        double best = double.MaxValue;
        for (int rep = 0; rep < 5; rep++)
        {
            long calls = 0;
            double t0 = ThreadCpuClock.Seconds(), t;
            do { action(); calls++; } while ((t = ThreadCpuClock.Seconds() - t0) < 0.04);
            best = Math.Min(best, t / calls);
        }
        return elements / best / 1e9;
    }

    internal static void TensorPrimitivesSoftMax(float[] x, float[] y, int cols)
    {
        for (int r = 0; r < x.Length; r += cols)
            TensorPrimitives.SoftMax(x.AsSpan(r, cols), y.AsSpan(r, cols));
    }

    /// <summary>The stable composition a .NET user would write with TensorPrimitives.</summary>
    internal static void TensorPrimitivesStable(float[] x, float[] y, int cols)
    {
        for (int r = 0; r < x.Length; r += cols)
        {
            ReadOnlySpan<float> xr = x.AsSpan(r, cols);
            Span<float> yr = y.AsSpan(r, cols);
            float max = TensorPrimitives.Max(xr);
            TensorPrimitives.Subtract(xr, max, yr);
            TensorPrimitives.Exp(yr, yr);
            float sum = TensorPrimitives.Sum(yr);
            TensorPrimitives.Divide(yr, sum, yr);
        }
    }

    internal static void TensorPrimitivesStableLog(float[] x, float[] y, int cols)
    {
        for (int r = 0; r < x.Length; r += cols)
        {
            ReadOnlySpan<float> xr = x.AsSpan(r, cols);
            Span<float> yr = y.AsSpan(r, cols);
            float max = TensorPrimitives.Max(xr);
            TensorPrimitives.Subtract(xr, max, yr);
            TensorPrimitives.Exp(yr, yr);
            float sum = TensorPrimitives.Sum(yr);
            TensorPrimitives.Subtract(xr, max + MathF.Log(sum), yr);
        }
    }

    private enum Timing
    {
        /// <summary>One call per sample, right after an untimed call of the same kind, so that it finds the caches as its
        /// own kind of call leaves them (timed after another column's softmax, with y dirty in L2/L3, a non-temporal
        /// log-softmax paid for the write-backs). For batches far larger than the caches.</summary>
        OneCallAfterUntimed,
        /// <summary>Calls repeated for at least 5 ms of the thread's CPU time per sample (small batches, 1 thread).</summary>
        CpuFor5Ms,
        /// <summary>Calls repeated for at least 5 ms of wall time per sample (threaded calls).</summary>
        WallFor5Ms,
    }

    /// <summary>
    /// G el/s medians of <paramref name="runs"/> (each over <paramref name="elements"/> elements), interleaved: after one
    /// warm-up call of each, every round takes one sample of every run in turn.
    /// </summary>
    private static double[] InterleavedMedians(IReadOnlyList<Action> runs, long elements, int rounds, Timing timing)
    {
        var samples = runs.Select(_ => new List<double>()).ToArray();
        foreach (Action r in runs) r();
        for (int round = 0; round < rounds; round++)
            for (int i = 0; i < runs.Count; i++)
            {
                if (timing == Timing.OneCallAfterUntimed)
                {
                    runs[i]();
                    double t0 = ThreadCpuClock.Seconds();
                    runs[i]();
                    samples[i].Add(elements / (ThreadCpuClock.Seconds() - t0) / 1e9);
                    continue;
                }
                long calls = 0;
                double seconds;
                if (timing == Timing.WallFor5Ms)
                {
                    var clock = Stopwatch.StartNew();
                    do { runs[i](); calls++; } while ((seconds = clock.Elapsed.TotalSeconds) < 0.005);
                }
                else
                {
                    double t0 = ThreadCpuClock.Seconds();
                    do { runs[i](); calls++; } while ((seconds = ThreadCpuClock.Seconds() - t0) < 0.005);
                }
                samples[i].Add((double)elements * calls / seconds / 1e9);
            }
        return samples.Select(v => v.Order().ElementAt(v.Count / 2)).ToArray();
    }
}
