namespace SimdSoftmax.Tests;

/// <summary>The classifier's loss and gradient on every path against the double oracle, and a numerical gradient check.</summary>
public class ClassifierTests
{
    public static TheoryData<KernelPath, bool> PathsAndBias()
    {
        var d = new TheoryData<KernelPath, bool>();
        foreach (KernelPath p in new[] { KernelPath.Scalar, KernelPath.Avx2, KernelPath.Avx512 })
        {
            d.Add(p, false);
            d.Add(p, true);
        }
        return d;
    }

    private static (float Loss, float[] DW, float[] Db) Run(KernelPath path, float[] w, float[]? b, float[] x, int[] y, int n, int d, int c, float reg)
    {
        var dW = Data.Filled(d * c, float.NaN); // outputs are overwritten, never accumulated into
        var db = Data.Filled(c, float.NaN);
        var ws = Data.Filled(SoftmaxLoss.WorkspaceLength(n, d, c), float.NaN);
        float loss = b is null
            ? SoftmaxLoss.LossAndGradient(w, x, y, n, d, c, reg, dW, ws, path)
            : SoftmaxLoss.LossAndGradient(w, b, x, y, n, d, c, reg, dW, db, ws, path);
        return (loss, dW, db);
    }

    [SkippableTheory, MemberData(nameof(PathsAndBias))]
    public void Matches_the_double_reference(KernelPath path, bool bias)
    {
        Paths.Require(path);
        var shapes = new List<(int N, int D, int C)>
        {
            (1, 1, 1), (1, 1, 2), (2, 3, 3), (5, 7, 10), (16, 16, 16), (17, 15, 9), (33, 64, 10), (40, 70, 17),
            (70, 33, 70), (8, 129, 10), (100, 78, 10), (64, 51, 100), (0, 5, 3), (3, 0, 4),
        };
        var rng = new Random(11);
        for (int i = 0; i < 10; i++) shapes.Add((rng.Next(1, 71), rng.Next(1, 71), rng.Next(1, 71)));
        foreach (var (n, d, c) in shapes)
            foreach (float reg in new[] { 0f, 5e-6f, 1e3f })
            {
                int seed = n * 10007 + d * 101 + c;
                float[] x = Data.Uniform(n * d, seed, -1f, 1f);
                float[] w = Data.Gaussian(d * c, seed + 1, 0.1f);
                float[]? b = bias ? Data.Gaussian(c, seed + 2, 0.5f) : null;
                int[] y = Data.Labels(n, c, seed + 3);
                if (n > 0) y[0] = c - 1;
                if (n > 1) y[1] = 0;
                var (eLoss, eDW, eDb) = DoubleReference.Classifier(DoubleReference.ToDouble(w), b is null ? null : DoubleReference.ToDouble(b),
                    DoubleReference.ToDouble(x), y, n, d, c, reg);
                var (loss, dW, db) = Run(path, w, b, x, y, n, d, c, reg);
                string what = $"N={n} D={d} C={c} reg={reg} bias={bias}";
                Assert.True(Math.Abs(loss - eLoss) <= 1e-5 * Math.Abs(eLoss) + 1e-6, $"{what}: loss {loss} vs {eLoss}");
                Compare.CloseFrobenius(eDW, dW, 1e-4, "dW " + what);
                if (bias) Compare.CloseFrobenius(eDb, db, 1e-4, "db " + what);
            }
    }

    [SkippableTheory, MemberData(nameof(PathsAndBias))]
    public void Numerical_gradient_check(KernelPath path, bool bias)
    {
        Paths.Require(path);
        const int n = 13, d = 11, c = 7;
        const double reg = 0.1, h = 1e-5;
        float[] xf = Data.Uniform(n * d, 21), wf = Data.Gaussian(d * c, 22, 0.5f), bf = Data.Gaussian(c, 23, 0.5f);
        int[] y = Data.Labels(n, c, 24);
        double[] x = DoubleReference.ToDouble(xf), w = DoubleReference.ToDouble(wf), b = DoubleReference.ToDouble(bf);
        double[]? bb = bias ? b : null;
        var (_, aDW, aDb) = DoubleReference.Classifier(w, bb, x, y, n, d, c, reg);
        var (_, dW, db) = Run(path, wf, bias ? bf : null, xf, y, n, d, c, (float)reg);

        double Loss() => DoubleReference.Classifier(w, bb, x, y, n, d, c, reg).Loss;
        double Numeric(double[] v, int i)
        {
            double old = v[i];
            v[i] = old + h; double lp = Loss();
            v[i] = old - h; double lm = Loss();
            v[i] = old;
            return (lp - lm) / (2 * h);
        }
        static double Rel(double a, double b) => Math.Abs(a - b) / Math.Max(1e-8, Math.Abs(a) + Math.Abs(b));
        for (int i = 0; i < w.Length; i++)
        {
            double num = Numeric(w, i);
            Assert.True(Rel(num, aDW[i]) < 1e-6, $"double reference dW[{i}]: analytic {aDW[i]} numeric {num}");
            Assert.True(Rel(num, dW[i]) < 1e-2, $"{path} dW[{i}]: analytic {dW[i]} numeric {num}");
        }
        if (bias)
            for (int j = 0; j < c; j++)
            {
                double num = Numeric(b, j);
                Assert.True(Rel(num, aDb[j]) < 1e-6, $"double reference db[{j}]: analytic {aDb[j]} numeric {num}");
                Assert.True(Rel(num, db[j]) < 1e-2, $"{path} db[{j}]: analytic {db[j]} numeric {num}");
            }
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Empty_batch_gives_only_the_regularization(KernelPath path)
    {
        Paths.Require(path);
        float[] w = [1f, 2f, 3f, 4f];
        var (loss, dW, db) = Run(path, w, [0f, 0f], [], [], 0, 2, 2, 0.5f);
        Assert.Equal(0.5 * 0.5 * 30, loss, 5);
        Assert.Equal(new[] { 0.5f, 1f, 1.5f, 2f }, dW);
        Assert.Equal(new[] { 0f, 0f }, db);
    }
}
