using System.Diagnostics;
using SimdSoftmax.Anchors;

namespace SimdSoftmax.Benchmarks;

/// <summary>
/// <c>classifier-sweep [quick]</c>: a Stopwatch table (best of a few runs, single thread unless marked) of the classifier's
/// loss + gradient over the benchmark shapes: scalar reference, composed and fused per path, the OpenBLAS composition,
/// with effective GFLOPS (4·N·D·C) and the roofline max(read X once, 4NDC at the FMA peak).
/// </summary>
internal static class ClassifierSweep
{
    private static readonly (int N, int D, int C)[] Shapes = [(5000, 3073, 10), (100, 784, 10), (60000, 784, 10), (4096, 512, 1000)];

    public static void Run(string[] args)
    {
        bool quick = args.Contains("quick");
        var shapes = args.Where(a => a.Count(ch => ch == 'x') == 2).Select(a => a.Split('x').Select(int.Parse).ToArray())
            .Select(p => (p[0], p[1], p[2])).ToArray();
        if (shapes.Length == 0) shapes = Shapes;
        Console.WriteLine($"ISA: {KernelPaths.IsaSummary()}");
        double peak512 = MachineLimits.FmaPeakGflops512(), peak256 = MachineLimits.FmaPeakGflops256(), read = MachineLimits.ReadBandwidthGBs();
        double peak = Math.Max(peak512, peak256);
        Console.WriteLine($"FMA peak {peak256:F1} GFLOPS (256-bit), {peak512:F1} (512-bit); read bandwidth {read:F1} GB/s");
        if (OpenBlas.IsAvailable) OpenBlas.SetThreads(1);
        Console.WriteLine("OpenBLAS: " + (OpenBlas.IsAvailable ? OpenBlas.Config : "not available (column skipped)"));
        Console.WriteLine();
        Console.WriteLine($"{"shape",-18} {"variant",-22} {"ms",9} {"GFLOPS",8} {"roofline",9} {"vs scalar",9}");
        CrossEntropyTable(quick);
        foreach (var (n, d, c) in shapes)
        {
            var rng = new Random(1);
            float[] x = new float[n * d], w = new float[d * c], dW = new float[d * c], b = new float[c], db = new float[c];
            for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
            for (int i = 0; i < w.Length; i++) w[i] = (float)(rng.NextDouble() * 0.02 - 0.01);
            int[] y = new int[n];
            for (int i = 0; i < n; i++) y[i] = rng.Next(c);
            float[] ws = new float[SoftmaxLoss.WorkspaceLength(n, d, c)];
            double flops = 4.0 * n * d * c;
            double rooflineMs = Math.Max(4.0 * n * d / (read * 1e9), flops / (peak * 1e9)) * 1e3;
            string shape = $"({n},{d},{c})";
            int reps = quick ? 3 : 7;
            double scalarMs = double.NaN;
            void Row(string name, Action run, int repetitions)
            {
                double ms;
                try { ms = Best(run, repetitions); }
                catch (PlatformNotSupportedException) { Console.WriteLine($"{shape,-18} {name,-22} {"n/a",9}"); return; }
                Console.WriteLine($"{shape,-18} {name,-22} {ms,9:F3} {flops / ms / 1e6,8:F1} {rooflineMs / ms,8:P0} {scalarMs / ms,8:F1}x");
            }
            if (flops <= 1e9 || !quick)
            {
                scalarMs = Best(() => SoftmaxLoss.LossAndGradient(x, w, y, dW, ws, n, d, c, new ClassifierOptions { Regularization = 1e-3f }, KernelPath.Scalar), flops > 1e8 ? 1 : 3);
                Console.WriteLine($"{shape,-18} {"scalar reference",-22} {scalarMs,9:F3} {flops / scalarMs / 1e6,8:F1} {rooflineMs / scalarMs,8:P0} {1,8:F1}x");
            }
            foreach (KernelPath p in KernelPaths.Available.Where(p => p != KernelPath.Scalar))
            {
                Row($"composed {p}", () => SoftmaxLoss.LossAndGradient(x, w, y, dW, ws, n, d, c, new ClassifierOptions { Regularization = 1e-3f, Form = ClassifierForm.Composed }, p, 1), reps);
                Row($"fused {p}", () => SoftmaxLoss.LossAndGradient(x, w, y, dW, ws, n, d, c, new ClassifierOptions { Regularization = 1e-3f, Form = ClassifierForm.Fused }, p, 1), reps);
            }
            Row($"fused {KernelPaths.Best} threads=0", () => SoftmaxLoss.LossAndGradient(x, w, y, dW, ws, n, d, c, new ClassifierOptions { Regularization = 1e-3f, Form = ClassifierForm.Fused }, KernelPath.Auto, 0), reps);
            if (OpenBlas.IsAvailable)
                Row("OpenBLAS+our CE", () => OpenBlas.ClassifierLossAndGradient(w, x, y, n, d, c, 1e-3f, dW, ws), reps);
            Console.WriteLine($"{shape,-18} {"roofline",-22} {rooflineMs,9:F3}");
        }
    }

    /// <summary>Fused cross-entropy on logits alone: G rows/s per path, scalar reference as the baseline.</summary>
    private static void CrossEntropyTable(bool quick)
    {
        Console.WriteLine($"{"CE N×C",-18} {"path",-22} {"µs",9} {"Grows/s",8} {"GB/s",9} {"vs scalar",9}");
        foreach (var (n, c) in new[] { (5000, 10), (60000, 10), (4096, 1000) })
        {
            var rng = new Random(2);
            float[] logits = new float[n * c], g = new float[n * c];
            for (int i = 0; i < logits.Length; i++) logits[i] = (float)(rng.NextDouble() * 20 - 10);
            int[] y = new int[n];
            for (int i = 0; i < n; i++) y[i] = rng.Next(c);
            double scalar = 0;
            foreach (KernelPath p in KernelPaths.Available)
            {
                double ms = Best(() => SoftmaxCrossEntropy.LossAndGradient(logits, y, g, c, p), quick ? 5 : 20);
                if (p == KernelPath.Scalar) scalar = ms;
                Console.WriteLine($"{$"({n},{c})",-18} {p,-22} {ms * 1e3,9:F1} {n / ms / 1e6,8:F3} {8.0 * n * c / ms / 1e6,9:F2} {scalar / ms,8:F1}x");
            }
        }
        Console.WriteLine();
    }

    private static double Best(Action run, int repetitions)
    {
        run();
        double best = double.MaxValue;
        for (int r = 0; r < repetitions; r++)
        {
            long t = Stopwatch.GetTimestamp();
            run();
            best = Math.Min(best, Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
        return best;
    }
}
