#:project ../src/SimdSoftmax/SimdSoftmax.csproj
#:project ../src/SimdSoftmax.Anchors/SimdSoftmax.Anchors.csproj
#:property AllowUnsafeBlocks=true
// Fused LinearCrossEntropy vs the composed form with N×C logits (GEMM → CE → Xᵀ·dS → dS·Wᵀ), both computing
// loss + dW + db + dX, interleaved in one process, medians (1 thread: thread CPU time; 2 threads: wall time); GFLOPS count 6·N·D·C; the FMA peak is measured here.
// Usage: dotnet run -c Release scripts/linear-ce-bench.cs -- [reps] [NxDxC ...] (default 3 reps, 4096x512x1000 2048x1024x32000;
// the third shape, 1024x2048x128000, needs ~3 GB: W and dW 1 GiB each, the composed form's logits 0.5 GiB).
// LCE_THREADS=1 (or 2) runs one thread count only. LCE_FILTER=<cutoff> (e.g. 5.96e-8 = 2^-24) instead times the gradient
// filter: a trained-like layer (Zipf prior, bias_j = -2·ln(j+1), labels drawn from it, small W), filter off vs on,
// interleaved, with the largest |ΔdW| against its documented bound cutoff·Σ_i|X_ik| (the scale is the mean's 1/N).
using System.Diagnostics;
using SimdSoftmax;
using SimdSoftmax.Anchors;

int reps = args.Length > 0 ? int.Parse(args[0]) : 3;
string[] shapes = args.Length > 1 ? args[1..] : ["4096x512x1000", "2048x1024x32000"];
const KernelPath P = KernelPath.Avx512;
if (Environment.GetEnvironmentVariable("LCE_FILTER") is { Length: > 0 } cutoffText)
{
    FilterBench(float.Parse(cutoffText, System.Globalization.CultureInfo.InvariantCulture), reps, shapes);
    return;
}
var peak = new double[3];
for (int t = 1; t <= 2; t++) peak[t] = MachineLimits.FmaPeakGflops512(t);
Console.WriteLine($"FMA peak 512-bit: 1 thread {peak[1]:F1} GFLOPS, 2 threads {peak[2]:F1} GFLOPS");
Console.WriteLine("| N×D×C (R) | threads | fused ms | GFLOPS | % peak | workspace | composed ms | composed workspace | fused/composed |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
foreach (string shape in shapes)
{
    int[] dims = shape.Split('x').Select(int.Parse).ToArray();
    int n = dims[0], d = dims[1], c = dims[2];
    var rng = new Random(1);
    float[] x = new float[n * d], w = new float[(long)d * c > int.MaxValue ? 0 : d * c], b = new float[c];
    for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
    for (int i = 0; i < w.Length; i++) w[i] = (float)((rng.NextDouble() * 2 - 1) * 0.05);
    for (int i = 0; i < c; i++) b[i] = (float)(rng.NextDouble() - 0.5);
    int[] y = new int[n];
    for (int i = 0; i < n; i++) y[i] = rng.Next(c);
    float[] dw = new float[w.Length], db = new float[c], dx = new float[n * d];
    float[] ws = new float[LinearCrossEntropy.WorkspaceLength(n, d, c)];
    float[] s = new float[(long)n * c];
    double flops = 6.0 * n * d * c;
    foreach (int threads in ThreadCounts())
    {
        var fused = new List<double>();
        var composed = new List<double>();
        float lf = 0, lc = 0;
        for (int r = -1; r < reps; r++) // r = -1: warm-up, not timed
        {
            var sw = Clock.Start(threads);
            lf = LinearCrossEntropy.LossAndGradient(x, w, WeightLayout.InputsByClasses, b, y, dw, db, dx, ws, y.Length, d, c, default, default, default, P, threads);
            if (r >= 0) fused.Add(sw.Ms());
            sw = Clock.Start(threads);
            for (int i = 0; i < n; i++) b.CopyTo(s.AsSpan(i * c, c));
            Gemm.Multiply(x, d, Transpose.No, w, c, Transpose.No, s, c, n, c, d, 1f, 1f, P, threads);
            lc = SoftmaxCrossEntropy.LossAndGradient(s, y, s, c, P);
            Gemm.Multiply(x, d, Transpose.Yes, s, c, Transpose.No, dw, c, d, c, n, 1f, 0f, P, threads);
            Gemm.Multiply(s, c, Transpose.No, w, c, Transpose.Yes, dx, d, n, d, c, 1f, 0f, P, threads);
            db.AsSpan().Clear();
            for (int i = 0; i < n; i++) for (int j = 0; j < c; j++) db[j] += s[i * c + j];
            if (r >= 0) composed.Add(sw.Ms());
        }
        double mf = Median(fused), mc = Median(composed);
        double gf = flops / mf / 1e6;
        Console.WriteLine($"| {shape} ({LinearCrossEntropy.BlockRows(c)}) | {threads} | {mf:F1} | {gf:F1} | {100 * gf / peak[threads]:F0}% | {ws.Length * 4.0 / (1 << 20):F2} MiB | {mc:F1} | {s.Length * 4.0 / (1 << 20):F0} MiB | {mf / mc:F2} |  (loss {lf:F5} vs {lc:F5})");
    }
}

static void FilterBench(float cutoff, int reps, string[] shapes)
{
    Console.WriteLine($"Gradient filter {cutoff:G3} on a Zipf-prior layer, Avx512, 1 thread, thread CPU ms (medians of {reps})");
    Console.WriteLine("| N×D×C | filter off ms | filter on ms | speed-up | max |ΔdW| | bound at that entry | max |dW| |");
    Console.WriteLine("|---|---|---|---|---|---|---|");
    foreach (string shape in shapes)
    {
        int[] dims = shape.Split('x').Select(int.Parse).ToArray();
        int n = dims[0], d = dims[1], c = dims[2];
        var rng = new Random(3);
        float[] x = new float[n * d], w = new float[d * c], b = new float[c];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        for (int i = 0; i < w.Length; i++) w[i] = (float)((rng.NextDouble() * 2 - 1) * 0.02);
        var cdf = new double[c];
        double total = 0;
        for (int j = 0; j < c; j++) { b[j] = (float)(-2 * Math.Log(j + 1)); total += Math.Pow(j + 1, -2); cdf[j] = total; }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) { int j = Array.BinarySearch(cdf, rng.NextDouble() * total); y[i] = Math.Min(c - 1, j < 0 ? ~j : j); }
        float[] dwOff = new float[w.Length], dwOn = new float[w.Length], db = new float[c], dx = new float[n * d];
        float[] ws = new float[LinearCrossEntropy.WorkspaceLength(n, d, c)];
        var off = new List<double>();
        var on = new List<double>();
        for (int r = -1; r < reps; r++)
        {
            var sw = Clock.Start(1);
            LinearCrossEntropy.LossAndGradient(x, w, WeightLayout.InputsByClasses, b, y, dwOff, db, dx, ws, n, d, c, default, default, default, P, 1);
            if (r >= 0) off.Add(sw.Ms());
            sw = Clock.Start(1);
            LinearCrossEntropy.LossAndGradient(x, w, WeightLayout.InputsByClasses, b, y, dwOn, db, dx, ws, n, d, c,
                new LinearCrossEntropyOptions { GradientFilter = cutoff }, default, default, P, 1);
            if (r >= 0) on.Add(sw.Ms());
        }
        var colSum = new double[d];
        for (int i = 0; i < n; i++) for (int k = 0; k < d; k++) colSum[k] += Math.Abs(x[i * d + k]);
        double worst = 0, bound = 0, largest = 0;
        for (int k = 0; k < d; k++)
            for (int j = 0; j < c; j++)
            {
                double e = Math.Abs(dwOn[k * c + j] - dwOff[k * c + j]);
                largest = Math.Max(largest, Math.Abs(dwOff[k * c + j]));
                if (e > worst) { worst = e; bound = cutoff * colSum[k] / n; }
            }
        double mOff = Median(off), mOn = Median(on);
        Console.WriteLine($"| {shape} | {mOff:F1} | {mOn:F1} | {mOff / mOn:F2}× | {worst:G3} | {bound:G3} | {largest:G3} |");
    }
}

static double Median(List<double> v) { v.Sort(); return v[v.Count / 2]; }

static int[] ThreadCounts() => Environment.GetEnvironmentVariable("LCE_THREADS") is { Length: > 0 } t ? [int.Parse(t)] : [1, 2];

// One thread: the thread's CPU time (a shared machine's preemption is not the kernel's), as compare does; two: wall time.
readonly record struct Clock(bool Cpu, double Origin, Stopwatch Wall)
{
    public static Clock Start(int threads) => threads == 1 && ThreadCpuClock.IsThreadCpuTime
        ? new Clock(true, ThreadCpuClock.Seconds(), Stopwatch.StartNew()) : new Clock(false, 0, Stopwatch.StartNew());
    public double Ms() => Cpu ? (ThreadCpuClock.Seconds() - Origin) * 1e3 : Wall.Elapsed.TotalMilliseconds;
}
