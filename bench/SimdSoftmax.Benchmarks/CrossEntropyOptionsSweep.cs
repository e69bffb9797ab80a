using SimdSoftmax.Anchors;

namespace SimdSoftmax.Benchmarks;

/// <summary>
/// <c>ce-options-sweep [ce|dx] [rounds]</c>: what the options cost, as interleaved A/B ratios in one process (thread CPU
/// time, one sample of every variant per round, medians). <c>ce</c>: cross-entropy loss+gradient on logits, rows of 10
/// and 1000, 40 MB and 256 KB (in-cache) batches, Avx512 and Avx2: plain, weights + ε 0.1 + every 10th row ignored,
/// and the lse + argmax outputs, each as a ratio to plain. <c>dx</c>: the fused classifier at (5000, 3073, 10) and
/// (100, 784, 10) with and without dX, next to the rooflines measured in the same run: without dX max(read X once,
/// 4·N·D·C at the FMA peak), with dX read X + write dX at the interleaved copy bandwidth.
/// </summary>
internal static class CrossEntropyOptionsSweep
{
    private const int BigFloats = 10 << 20; // 40 MB of logits
    private const int SmallFloats = 64 << 10; // 256 KB of logits

    private static readonly CrossEntropyOptions s_smoothIgnore = new()
    {
        IgnoreIndex = CrossEntropyOptions.PyTorchIgnoreIndex,
        LabelSmoothing = 0.1f,
    };

    public static void Run(string[] args)
    {
        int rounds = args.Select(a => int.TryParse(a, out int r) ? r : 0).FirstOrDefault(r => r is > 0 and < 200, 15);
        string load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        Console.WriteLine($"ce-options-sweep, 1 thread, {KernelPaths.IsaSummary()}; load average {load}; medians of {rounds} interleaved rounds");
        bool all = !args.Any(a => a is "ce" or "dx" or "kernels" or "each");
        if (all || args.Contains("ce")) CrossEntropy(rounds);
        if (all || args.Contains("dx")) InputGradient(rounds);
        if (args.Contains("kernels")) Kernels(rounds);
        if (args.Contains("each")) foreach (int cols in args.Contains("1000") ? new[] { 1000 } : new[] { 10, 1000 }) foreach (int floats in new[] { BigFloats, SmallFloats }) EachOption(rounds, cols, floats);
    }

    private static void CrossEntropy(int rounds)
    {
        Console.WriteLine($"{"path",-7} {"cols",5} {"batch",8} {"plain ms",9} {"w+ε+ign",8} {"lse+argmax",10}   (ratio to plain)");
        foreach (KernelPath p in new[] { KernelPath.Avx512, KernelPath.Avx2 }.Where(KernelPaths.Available.Contains))
            foreach (int cols in new[] { 10, 1000 })
                foreach (int floats in new[] { BigFloats, SmallFloats })
                {
                    int n = floats / cols, total = n * cols;
                    float[] logits = SoftmaxSweep.MakeInput(total), grad = new float[total], lse = new float[n], weights = new float[cols];
                    var rng = new Random(2);
                    int[] labels = new int[n], argmax = new int[n];
                    for (int i = 0; i < n; i++) labels[i] = rng.Next(cols);
                    int[] ignored = (int[])labels.Clone();
                    for (int i = 0; i < n; i += 10) ignored[i] = CrossEntropyOptions.PyTorchIgnoreIndex;
                    for (int j = 0; j < cols; j++) weights[j] = (float)(0.5 + rng.NextDouble());
                    var outputs = new Action[]
                    {
                        () => SoftmaxCrossEntropy.LossAndGradient(logits, labels, grad, cols, p),
                        () => SoftmaxCrossEntropy.LossAndGradient(logits, ignored, grad, cols, s_smoothIgnore with { ClassWeights = weights }, default, p),
                        () => SoftmaxCrossEntropy.LossAndGradient(logits, labels, grad, cols, default,
                            new CrossEntropyRowOutputs { LogSumExp = lse, Argmax = argmax }, p),
                    };
                    double[] med = Interleaved(outputs, rounds, floats == SmallFloats ? 0.01 : 0);
                    Console.WriteLine($"{p,-7} {cols,5} {(floats * 4 >> 10) + " KB",8} {med[0] * 1e3,9:F3} {med[1],8:F2}x {med[2],9:F2}x");
                }
    }

    private static void InputGradient(int rounds)
    {
        double peak = Math.Max(MachineLimits.FmaPeakGflops256(), MachineLimits.FmaPeakGflops512()), read = MachineLimits.ReadBandwidthGBs();
        Console.WriteLine($"FMA peak {peak:F1} GFLOPS, read {read:F1} GB/s (MachineLimits, same run)");
        Console.WriteLine($"{"shape",-16} {"path",-7} {"no dX ms",9} {"% roof",7} {"dX ms",8} {"dX/no dX",9} {"copy ms",8} {"dX/roof",8}");
        foreach (var (n, d, c) in new[] { (5000, 3073, 10), (100, 784, 10) })
        {
            var rng = new Random(1);
            float[] x = new float[n * d], w = new float[d * c], dW = new float[d * c], dX = new float[n * d], copy = new float[n * d];
            for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
            for (int i = 0; i < w.Length; i++) w[i] = (float)(rng.NextDouble() * 0.02 - 0.01);
            int[] y = new int[n];
            for (int i = 0; i < n; i++) y[i] = rng.Next(c);
            float[] ws = new float[SoftmaxLoss.WorkspaceLength(n, d, c)];
            double roofMs = Math.Max(4.0 * n * d / (read * 1e9), 4.0 * n * d * c / (peak * 1e9)) * 1e3;
            foreach (KernelPath p in new[] { KernelPath.Avx512, KernelPath.Avx2 }.Where(KernelPaths.Available.Contains))
            {
                var runs = new Action[]
                {
                    () => SoftmaxLoss.LossAndGradient(x, w, y, dW, ws, n, d, c, new ClassifierOptions { Regularization = 1e-3f, Form = ClassifierForm.Fused }, p, 1),
                    () => SoftmaxLoss.LossAndGradient(x, w, [], y, dW, [], dX, ws, n, d, c, new ClassifierOptions { Regularization = 1e-3f }, default, default, p, 1),
                    () => x.AsSpan().CopyTo(copy), // read X once + write dX once: the dX roofline, interleaved
                };
                double[] med = Interleaved(runs, rounds, n * d < 1 << 20 ? 0.005 : 0);
                double copyMs = med[2] * med[0] * 1e3, dxMs = med[1] * med[0] * 1e3;
                double dxRoofMs = Math.Max(copyMs, roofMs);
                Console.WriteLine($"{$"({n},{d},{c})",-16} {p,-7} {med[0] * 1e3,9:F3} {roofMs / 1e3 / med[0],7:P0} {dxMs,8:F3} {med[1],8:F2}x {copyMs,8:F3} {dxMs / dxRoofMs,7:F2}x");
            }
        }
    }

    /// <summary>Each option alone through the public call, as ratios to plain, both paths.</summary>
    private static void EachOption(int rounds, int cols, int floats)
    {
        int n = floats / cols;
        float[] logits = SoftmaxSweep.MakeInput(n * cols), grad = new float[n * cols], weights = new float[cols], lse = new float[n];
        var rng = new Random(2);
        int[] labels = new int[n], argmax = new int[n];
        for (int i = 0; i < n; i++) labels[i] = rng.Next(cols);
        int[] ignored = (int[])labels.Clone();
        for (int i = 0; i < n; i += 10) ignored[i] = -100;
        for (int j = 0; j < cols; j++) weights[j] = (float)(0.5 + rng.NextDouble());
        var ign = new CrossEntropyOptions { IgnoreIndex = -100 };
        var eps = new CrossEntropyOptions { LabelSmoothing = 0.1f };
        foreach (KernelPath p in new[] { KernelPath.Avx512, KernelPath.Avx2 })
        {
            var runs = new (string, Action)[]
            {
                ("plain", () => SoftmaxCrossEntropy.LossAndGradient(logits, labels, grad, cols, p)),
                // The plain call again: the ratio a variant gets from its place in the round alone (the control).
                ("plain again", () => SoftmaxCrossEntropy.LossAndGradient(logits, labels, grad, cols, p)),
                ("weights", () => SoftmaxCrossEntropy.LossAndGradient(logits, labels, grad, cols, new CrossEntropyOptions { ClassWeights = weights }, default, p)),
                ("ignore", () => SoftmaxCrossEntropy.LossAndGradient(logits, ignored, grad, cols, ign, default, p)),
                ("smooth", () => SoftmaxCrossEntropy.LossAndGradient(logits, labels, grad, cols, eps, default, p)),
                ("lse", () => SoftmaxCrossEntropy.LossAndGradient(logits, labels, grad, cols, default, new CrossEntropyRowOutputs { LogSumExp = lse }, p)),
                ("argmax", () => SoftmaxCrossEntropy.LossAndGradient(logits, labels, grad, cols, default, new CrossEntropyRowOutputs { Argmax = argmax }, p)),
                ("w+e+ign", () => SoftmaxCrossEntropy.LossAndGradient(logits, ignored, grad, cols, eps with { IgnoreIndex = -100, ClassWeights = weights }, default, p)),
            };
            double[] med = Interleaved(runs.Select(r => r.Item2).ToArray(), rounds, floats == SmallFloats ? 0.01 : 0);
            Console.WriteLine($"{p,-7} {cols,5} {(floats * 4 >> 10) + " KB",8} plain {med[0] * 1e3:F3} ms: " + string.Join("  ", runs.Skip(1).Select((r, i) => $"{r.Item1} {med[i + 1]:F2}x")));
        }
    }

    private static unsafe void Kernels(int rounds)
    {
        const int cols = 10, n = SmallFloats / cols;
        float[] logits = SoftmaxSweep.MakeInput(n * cols), grad = new float[n * cols], weights = new float[cols];
        var rng = new Random(2);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = rng.Next(cols);
        int[] ignored = (int[])labels.Clone();
        for (int i = 0; i < n; i += 10) ignored[i] = -100;
        for (int j = 0; j < cols; j++) weights[j] = (float)(0.5 + rng.NextDouble());
        var plain = new CrossEntropyOptions();
        var ign = new CrossEntropyOptions { IgnoreIndex = -100 };
        var eps = new CrossEntropyOptions { LabelSmoothing = 0.1f };
        fixed (float* s = logits, g = grad, w = weights)
        fixed (int* y = labels, yi = ignored)
        {
            float* sp = s, gp = g, wp = w;
            int* yp = y, yip = yi;
            OptionRowConstants K(CrossEntropyOptions o, float* wt, int[] lab) => new(OptionPlan.Create(lab, false, n, cols, o, wt == null ? default : weights), wt);
            var k0 = K(plain, null, labels); var kw = K(plain, wp, labels); var ki = K(ign, null, ignored); var ke = K(eps, null, labels);
            var kall = K(eps with { IgnoreIndex = -100 }, wp, ignored);
            var runs = new (string, Action)[]
            {
                ("plain", () => CrossEntropyShortRowRegistersAvx512.Run(sp, yp, n, cols, cols, gp, cols, 1e-4f)),
                ("opt none", () => CrossEntropyShortRowRegistersAvx512.RunOptions<FlagOff, FlagOff, FlagOff>(sp, yp, n, cols, gp, null, null, null, k0)),
                ("weights", () => CrossEntropyShortRowRegistersAvx512.RunOptions<FlagOff, FlagOn, FlagOff>(sp, yp, n, cols, gp, null, null, null, kw)),
                ("ignore", () => CrossEntropyShortRowRegistersAvx512.RunOptions<FlagOff, FlagOff, FlagOff>(sp, yip, n, cols, gp, null, null, null, ki)),
                ("smooth", () => CrossEntropyShortRowRegistersAvx512.RunOptions<FlagOn, FlagOff, FlagOff>(sp, yp, n, cols, gp, null, null, null, ke)),
                ("all", () => CrossEntropyShortRowRegistersAvx512.RunOptions<FlagOn, FlagOn, FlagOff>(sp, yip, n, cols, gp, null, null, null, kall)),
                ("plan", () => OptionPlan.Create(ignored, false, n, cols, eps with { IgnoreIndex = -100 }, weights)),
                ("public all", () => SoftmaxCrossEntropy.LossAndGradient(logits, ignored, grad, cols, eps with { IgnoreIndex = -100, ClassWeights = weights }, default, KernelPath.Avx512)),
            };
            double[] med = Interleaved(runs.Select(r => r.Item2).ToArray(), rounds, 0.01);
            for (int i = 0; i < runs.Length; i++) Console.WriteLine($"{runs[i].Item1,-12} {(i == 0 ? 1 : med[i]),6:F2}x  {(i == 0 ? med[0] * 1e6 : med[i] * med[0] * 1e6),8:F1} us");
        }
    }

    /// <summary>
    /// Median seconds per call of the first action, and for each other one the median over rounds of its time divided by
    /// the first one's in the same round (a ratio of neighbours in time, steadier on a loaded machine than a ratio of
    /// medians); every round samples each action once, repeated to ≥ minSeconds.
    /// </summary>
    private static double[] Interleaved(Action[] runs, int rounds, double minSeconds)
    {
        foreach (Action r in runs) { r(); r(); }
        var samples = runs.Select(_ => new List<double>()).ToArray();
        for (int round = 0; round < rounds; round++)
            for (int i = 0; i < runs.Length; i++)
            {
                long calls = 0;
                double t0 = ThreadCpuClock.Seconds(), t;
                do { runs[i](); calls++; } while ((t = ThreadCpuClock.Seconds() - t0) < minSeconds);
                samples[i].Add(t / calls);
            }
        var result = new double[runs.Length];
        result[0] = samples[0].Order().ElementAt(rounds / 2);
        for (int i = 1; i < runs.Length; i++)
            result[i] = Enumerable.Range(0, rounds).Select(r => samples[i][r] / samples[0][r]).Order().ElementAt(rounds / 2);
        return result;
    }
}
