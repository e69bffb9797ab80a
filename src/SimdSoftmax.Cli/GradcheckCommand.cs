using System.CommandLine;

namespace SimdSoftmax.Cli;

/// <summary>
/// <c>simdsoftmax gradcheck</c>: CS231n's <c>grad_check_sparse</c> on random data — for randomly chosen entries of W
/// (and of b), the centered difference (L(w+h) − L(w−h)) / 2h of the kernel's own loss against the kernel's analytic
/// gradient, printed as the seeds do, without and with regularization.
/// </summary>
internal static class GradcheckCommand
{
    /// <summary>Relative errors above this fail the check (single precision: the loss itself is a float).</summary>
    public const double Tolerance = 1e-2;

    public static Command Create()
    {
        var path = Opt.Path();
        var n = Opt.Int("--n", "N, samples", 100, 1, 100_000);
        var d = Opt.Int("--d", "D, features", 50, 1, 100_000);
        var c = Opt.Int("--c", "C, classes", 10, 1, 10_000);
        var checks = Opt.Int("--checks", "entries checked per regularization setting", 10, 1, 100_000);
        var reg = Opt.Float("--reg", "regularization strength of the second round (the first has none)", 5f, 0f);
        var h = Opt.Float("--h", "step of the centered difference", 1e-2f, 0f, minExclusive: true);
        var seed = Opt.Int("--seed", "seed of the random data and of the entries checked", 0);
        var loss = LossOption.Create();
        var command = new Command("gradcheck", "numerical gradient check of the classifier loss on random data (analytic vs numeric)")
        {
            path, n, d, c, checks, reg, h, seed, loss,
        };
        command.SetAction(r => Run(r.GetValue(path), r.GetValue(n), r.GetValue(d), r.GetValue(c), r.GetValue(checks), r.GetValue(reg), r.GetValue(h), r.GetValue(seed), r.GetValue(loss)));
        return command;
    }

    public static int Run(KernelPath path, int n, int d, int c, int checks, float reg, float h, int seed, ClassifierLoss loss)
    {
        var rng = new Random(seed);
        float[] x = new float[n * d], w = new float[d * c], b = new float[c];
        int[] y = new int[n];
        for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextDouble();
        for (int i = 0; i < w.Length; i++) w[i] = (float)(0.01 * Gaussian(rng));
        for (int i = 0; i < b.Length; i++) b[i] = (float)(0.01 * Gaussian(rng));
        for (int i = 0; i < n; i++) y[i] = rng.Next(c);
        float[] dW = new float[w.Length], db = new float[c];
        float[] workspace = new float[ClassifierLossCall.WorkspaceLength(n, d, c, threads: 1, loss)];
        KernelPath resolved = KernelPaths.Resolve(path);

        Console.WriteLine($"gradcheck: {LossOption.Describe(loss)} classifier loss on random data, N={n} D={d} C={c}, path {resolved}, h={h:G3}");
        Console.WriteLine("relative error = |numerical − analytic| / max(|numerical| + |analytic|, 1e-4)");
        double worst = 0;
        foreach (float r in new[] { 0f, reg })
        {
            float Loss() => ClassifierLossCall.LossAndGradient(x, w, b, y, dW, db, workspace, n, d, c, r, resolved, 1, loss);
            Loss();
            float[] analyticW = (float[])dW.Clone(), analyticB = (float[])db.Clone();
            Console.WriteLine();
            Console.WriteLine(r == 0 ? "without regularization:" : $"with regularization reg={r:G4}:");
            for (int k = 0; k < checks; k++)
            {
                bool bias = k % 5 == 4; // every fifth check is a bias entry
                float[] v = bias ? b : w;
                int i = rng.Next(v.Length);
                float old = v[i];
                v[i] = old + h; double plus = Loss();
                v[i] = old - h; double minus = Loss();
                v[i] = old;
                double numerical = (plus - minus) / (2.0 * h);
                double analytic = bias ? analyticB[i] : analyticW[i];
                double rel = Math.Abs(numerical - analytic) / Math.Max(Math.Abs(numerical) + Math.Abs(analytic), 1e-4);
                worst = Math.Max(worst, rel);
                string at = bias ? $"b[{i}]" : $"W[{i / c},{i % c}]";
                Console.WriteLine($"  {at,-10} numerical: {numerical,12:F6} analytic: {analytic,12:F6}, relative error: {rel:0.00e+00}");
            }
        }
        Console.WriteLine();
        bool ok = worst <= Tolerance;
        Console.WriteLine($"worst relative error {worst:0.00e+00}: {(ok ? "PASS" : "FAIL")} (tolerance {Tolerance:0e+00} for a single-precision loss)");
        return ok ? 0 : 1;
    }

    private static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
