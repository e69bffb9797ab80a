namespace SimdSoftmax.Tests;

/// <summary>The classifier's loss and gradient on every path and both forms against the double oracle, and a numerical gradient check.</summary>
public class ClassifierTests
{
    /// <summary>(path, bias, form): the scalar reference once per bias (it has one form), each SIMD path in both forms.</summary>
    public static TheoryData<KernelPath, bool, ClassifierForm> PathsBiasAndForm()
    {
        var d = new TheoryData<KernelPath, bool, ClassifierForm>();
        foreach (bool bias in new[] { false, true })
        {
            d.Add(KernelPath.Scalar, bias, ClassifierForm.Auto);
            foreach (KernelPath p in new[] { KernelPath.Avx2, KernelPath.Avx512 })
                foreach (ClassifierForm f in new[] { ClassifierForm.Composed, ClassifierForm.Fused })
                    d.Add(p, bias, f);
        }
        return d;
    }

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

    /// <summary>
    /// The composed form calls the library GEMM on the same path. Until that path has a SIMD GEMM, the composed form is
    /// tested on the scalar GEMM through <c>SoftmaxLossComposed.GemmPathOverride</c> (thread-static); the fused CE still
    /// runs on the requested path.
    /// </summary>
    internal static IDisposable ComposedGemmSeam(KernelPath path)
    {
        KernelPath resolved = KernelPaths.Resolve(path);
        bool simdGemm = true;
        try { Gemm.Multiply([1f], [1f], new float[1], 1, 1, 1, resolved); }
        catch (PlatformNotSupportedException) { simdGemm = false; }
        if (!simdGemm) SoftmaxLossComposed.GemmPathOverride = KernelPath.Scalar;
        return new Reset();
    }

    private sealed class Reset : IDisposable
    {
        public void Dispose() => SoftmaxLossComposed.GemmPathOverride = null;
    }

    internal static (float Loss, float[] DW, float[] Db) Run(KernelPath path, float[] w, float[]? b, float[] x, int[] y, int n, int d, int c, float reg,
        ClassifierForm form = ClassifierForm.Auto, int threads = 0)
    {
        var dW = Data.Filled(d * c, float.NaN); // outputs are overwritten, never accumulated into
        var db = Data.Filled(c, float.NaN);
        var ws = Data.Filled(SoftmaxLoss.WorkspaceLength(n, d, c, form), float.NaN);
        using var seam = ComposedGemmSeam(path);
        float loss = b is null
            ? SoftmaxLoss.LossAndGradient(x, w, y, dW, ws, n, d, c, new ClassifierOptions { Regularization = reg, Form = form }, path, threads)
            : SoftmaxLoss.LossAndGradient(x, w, b, y, dW, db, ws, n, d, c, new ClassifierOptions { Regularization = reg, Form = form }, path, threads);
        return (loss, dW, db);
    }

    private static void CheckShape(KernelPath path, bool bias, ClassifierForm form, int n, int d, int c, float reg, float xScale = 1f)
    {
        int seed = n * 10007 + d * 101 + c;
        float[] x = Data.Uniform(n * d, seed, -xScale, xScale);
        float[] w = Data.Gaussian(d * c, seed + 1, 0.1f);
        float[]? b = bias ? Data.Gaussian(c, seed + 2, 0.5f) : null;
        int[] y = Data.Labels(n, c, seed + 3);
        if (n > 0) y[0] = c - 1;
        if (n > 1) y[1] = 0;
        var (eLoss, eDW, eDb) = DoubleReference.Classifier(DoubleReference.ToDouble(w), b is null ? null : DoubleReference.ToDouble(b),
            DoubleReference.ToDouble(x), y, n, d, c, reg);
        var (loss, dW, db) = Run(path, w, b, x, y, n, d, c, reg, form);
        string what = $"{path} {form} N={n} D={d} C={c} reg={reg} bias={bias} xScale={xScale}";
        Assert.True(Math.Abs(loss - eLoss) <= 1e-5 * Math.Abs(eLoss) + 1e-6, $"{what}: loss {loss} vs {eLoss}");
        Compare.CloseFrobenius(eDW, dW, 1e-4, "dW " + what);
        if (bias) Compare.CloseFrobenius(eDb, db, 1e-4, "db " + what);
    }

    [SkippableTheory, MemberData(nameof(PathsBiasAndForm))]
    public void Matches_the_double_reference(KernelPath path, bool bias, ClassifierForm form)
    {
        Paths.Require(path);
        var shapes = new List<(int N, int D, int C)>
        {
            (1, 1, 1), (1, 1, 2), (2, 3, 3), (5, 7, 10), (16, 16, 16), (17, 15, 9), (33, 64, 10), (40, 70, 17),
            (70, 33, 70), (8, 129, 10), (100, 78, 10), (64, 51, 100), (0, 5, 3), (3, 0, 4),
            // Tile edges: D around 8/16/32 (vector and backward tile), C around 5/10 (class tiles), odd N (row pairs).
            (7, 8, 5), (9, 15, 4), (11, 17, 6), (13, 31, 11), (3, 32, 10), (4, 33, 20), (5, 63, 21), (6, 65, 9),
            // Several row blocks (64 rows for small D) and several lanes (512 rows each).
            (130, 20, 10), (1100, 24, 10),
            // The benchmark shapes scaled down.
            (50, 307, 10), (100, 784, 10), (600, 78, 10), (64, 51, 100),
        };
        var rng = new Random(11);
        for (int i = 0; i < 10; i++) shapes.Add((rng.Next(1, 71), rng.Next(1, 71), rng.Next(1, 71)));
        foreach (var (n, d, c) in shapes)
            foreach (float reg in new[] { 0f, 5e-6f, 1e3f })
                CheckShape(path, bias, form, n, d, c, reg);
    }

    [SkippableTheory, MemberData(nameof(PathsBiasAndForm))]
    public void Extreme_scores(KernelPath path, bool bias, ClassifierForm form)
    {
        Paths.Require(path);
        // |x| up to 3e4 with W ~ N(0, 0.1²) over D = 37: scores of order ±1e4, so the softmax is one-hot in float.
        foreach (var (n, d, c) in new[] { (9, 37, 10), (20, 40, 3) })
            CheckShape(path, bias, form, n, d, c, 5e-6f, xScale: 3e4f);
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

    /// <summary>Finite differences on the fastest path (Auto) in float against its own loss, at the benchmark's C = 10.</summary>
    [Fact]
    public void Finite_difference_check_on_the_fastest_path()
    {
        const int n = 40, d = 23, c = 10;
        const float reg = 0.05f, h = 1e-2f;
        float[] x = Data.Uniform(n * d, 31), w = Data.Gaussian(d * c, 32, 0.5f), b = Data.Gaussian(c, 33, 0.5f);
        int[] y = Data.Labels(n, c, 34);
        var (_, dW, db) = Run(KernelPath.Auto, w, b, x, y, n, d, c, reg);
        float L() => Run(KernelPath.Auto, w, b, x, y, n, d, c, reg).Loss;
        double Numeric(float[] v, int i)
        {
            float old = v[i];
            v[i] = old + h; double lp = L();
            v[i] = old - h; double lm = L();
            v[i] = old;
            return (lp - lm) / (2.0 * h);
        }
        for (int i = 0; i < w.Length; i += 7)
            Assert.True(Math.Abs(Numeric(w, i) - dW[i]) < 2e-3 * (1 + Math.Abs(dW[i])), $"dW[{i}] analytic {dW[i]} numeric {Numeric(w, i)}");
        for (int j = 0; j < c; j++)
            Assert.True(Math.Abs(Numeric(b, j) - db[j]) < 2e-3 * (1 + Math.Abs(db[j])), $"db[{j}] analytic {db[j]} numeric {Numeric(b, j)}");
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Empty_batch_gives_only_the_regularization(KernelPath path)
    {
        Paths.Require(path);
        float[] w = [1f, 2f, 3f, 4f];
        foreach (ClassifierForm form in new[] { ClassifierForm.Composed, ClassifierForm.Fused })
        {
            var (loss, dW, db) = Run(path, w, [0f, 0f], [], [], 0, 2, 2, 0.5f, form);
            Assert.Equal(0.5 * 0.5 * 30, loss, 5);
            Assert.Equal(new[] { 0.5f, 1f, 1.5f, 2f }, dW);
            Assert.Equal(new[] { 0f, 0f }, db);
        }
    }

    [SkippableTheory, MemberData(nameof(Paths.Simd), MemberType = typeof(Paths))]
    public void Fused_result_is_bitwise_identical_for_every_thread_count(KernelPath path)
    {
        Paths.Require(path);
        const int n = 2100, d = 45, c = 10; // four lanes of rows
        float[] x = Data.Uniform(n * d, 41), w = Data.Gaussian(d * c, 42, 0.1f), b = Data.Gaussian(c, 43, 0.5f);
        int[] y = Data.Labels(n, c, 44);
        var (l1, dW1, db1) = Run(path, w, b, x, y, n, d, c, 1e-3f, ClassifierForm.Fused, threads: 1);
        foreach (int t in new[] { 0, 2, 3, 4, 16 })
        {
            var (lt, dWt, dbt) = Run(path, w, b, x, y, n, d, c, 1e-3f, ClassifierForm.Fused, threads: t);
            Assert.Equal(BitConverter.SingleToInt32Bits(l1), BitConverter.SingleToInt32Bits(lt));
            Assert.Equal(dW1, dWt);
            Assert.Equal(db1, dbt);
        }
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Steady_state_allocates_nothing(KernelPath path)
    {
        Paths.Require(path);
        const int n = 300, d = 50, c = 10;
        float[] x = Data.Uniform(n * d, 51), w = Data.Gaussian(d * c, 52, 0.1f), b = new float[c], dW = new float[d * c], db = new float[c];
        int[] y = Data.Labels(n, c, 53);
        float[] ws = new float[SoftmaxLoss.WorkspaceLength(n, d, c)];
        using var seam = ComposedGemmSeam(path);
        foreach (ClassifierForm form in new[] { ClassifierForm.Fused, ClassifierForm.Composed, ClassifierForm.Auto })
        {
            Assert.Equal(0, SteadyState.AllocatedBytes(() =>
            {
                SoftmaxLoss.LossAndGradient(x, w, b, y, dW, db, ws, n, d, c, new ClassifierOptions { Regularization = 1e-3f, Form = form }, path, 1);
                SoftmaxLoss.LossAndGradient(x, w, y, dW, ws, n, d, c, new ClassifierOptions { Regularization = 1e-3f, Form = form }, path, 1);
            }));
        }
        float[] g = new float[n * c];
        Assert.Equal(0, SteadyState.AllocatedBytes(() => SoftmaxCrossEntropy.LossAndGradient(g, y, g, c, path)));
    }

    [Fact]
    public void Fused_workspace_does_not_grow_with_N()
    {
        int small = SoftmaxLoss.WorkspaceLength(5000, 3073, 10, ClassifierForm.Fused);
        Assert.Equal(small, SoftmaxLoss.WorkspaceLength(60000, 3073, 10, ClassifierForm.Fused));
        Assert.True(SoftmaxLoss.WorkspaceLength(60000, 784, 10, ClassifierForm.Composed) >= 60000 * 10);
        Assert.True(SoftmaxLoss.WorkspaceLength(60000, 784, 10, ClassifierForm.Fused) < 60000 * 10);
    }

    /// <summary>
    /// The options overload honours <see cref="ClassifierOptions.Form"/> (it always ran Auto): with class weights (which
    /// the fused form takes) Composed runs in the composed form's N·C floats, where Fused needs more and refuses them;
    /// both agree with the scalar reference.
    /// </summary>
    [SkippableTheory]
    [InlineData(KernelPath.Avx2)]
    [InlineData(KernelPath.Avx512)]
    public void Options_overload_runs_the_requested_form(KernelPath path)
    {
        Paths.Require(path);
        const int rows = 64, features = 20, classes = 10;
        float[] x = Data.Uniform(rows * features, 1), w = Data.Uniform(features * classes, 2), bias = Data.Uniform(classes, 3);
        int[] labels = Data.Labels(rows, classes, 4);
        var crossEntropy = new CrossEntropyOptions { ClassWeights = Data.Uniform(classes, 5, 0.5f, 2f), Reduction = CrossEntropyReduction.Sum };
        int composed = SoftmaxLoss.WorkspaceLength(rows, features, classes, ClassifierForm.Composed);
        Assert.True(SoftmaxLoss.WorkspaceLength(rows, features, classes, ClassifierForm.Fused) > composed);

        float Run(KernelPath p, ClassifierForm form, float[] dW, float[] dBias, float[] dX, int workspace) =>
            SoftmaxLoss.LossAndGradient(x, w, bias, labels, dW, dBias, dX, new float[workspace], rows, features, classes,
                new ClassifierOptions { Regularization = 0.01f, Form = form }, crossEntropy, default, p, threads: 1);

        float[] dWRef = new float[features * classes], dBiasRef = new float[classes], dXRef = new float[rows * features];
        float reference = Run(KernelPath.Scalar, ClassifierForm.Composed, dWRef, dBiasRef, dXRef, composed); // the scalar reference ignores the form
        float[] dW = Data.Filled(features * classes, 7f), dBias = Data.Filled(classes, 7f), dX = Data.Filled(rows * features, 7f);
        Assert.Equal("workspace", Assert.Throws<ArgumentException>(() => Run(path, ClassifierForm.Fused, dW, dBias, dX, composed)).ParamName);
        Assert.All(dW, v => Assert.Equal(7f, v));
        foreach (ClassifierForm form in new[] { ClassifierForm.Composed, ClassifierForm.Fused })
        {
            int length = SoftmaxLoss.WorkspaceLength(rows, features, classes, form);
            float loss = Run(path, form, dW, dBias, dX, length);
            Assert.True(Math.Abs(loss - reference) <= 1e-5 * Math.Abs(reference), $"{form}: loss {loss} vs {reference}");
            for (int i = 0; i < dW.Length; i++) Assert.True(Math.Abs(dW[i] - dWRef[i]) <= 1e-4 * (1 + Math.Abs(dWRef[i])), $"{form}: dW[{i}]");
            for (int i = 0; i < dX.Length; i++) Assert.True(Math.Abs(dX[i] - dXRef[i]) <= 1e-4 * (1 + Math.Abs(dXRef[i])), $"{form}: dX[{i}]");
            for (int i = 0; i < classes; i++) Assert.True(Math.Abs(dBias[i] - dBiasRef[i]) <= 1e-4 * (1 + Math.Abs(dBiasRef[i])), $"{form}: dBias[{i}]");
        }
    }

    /// <summary>
    /// Auto asks for the workspace of the form Auto runs, not the largest over the forms: at C = 32000 (issue 17) Auto runs
    /// composed and needs N·C floats, where the fused form's per-lane gradients would have asked for gigabytes.
    /// </summary>
    [Theory]
    [InlineData(256, 4096, 32000)]
    [InlineData(60000, 784, 10)]
    [InlineData(1000, 3073, 41)]
    [InlineData(1000, 3073, 40)]
    public void Auto_workspace_is_the_length_of_the_form_auto_runs(int rows, int features, int classes)
    {
        ClassifierForm runs = SoftmaxLoss.ChooseForm(ClassifierForm.Auto, classes);
        Assert.Equal(classes <= SoftmaxLoss.FusedMaxClasses ? ClassifierForm.Fused : ClassifierForm.Composed, runs);
        Assert.Equal(SoftmaxLoss.WorkspaceLength(rows, features, classes, runs), SoftmaxLoss.WorkspaceLength(rows, features, classes));
        Assert.Equal(SvmLoss.WorkspaceLength(rows, features, classes, SvmLoss.ChooseForm(ClassifierForm.Auto, classes)), SvmLoss.WorkspaceLength(rows, features, classes));
        if (runs == ClassifierForm.Composed) Assert.Equal((long)rows * classes, SoftmaxLoss.WorkspaceLength(rows, features, classes));
    }

    /// <summary>The fused forward pass's reduction trees: every output is its own input vector's lane sum, in input order.</summary>
    [SkippableTheory]
    [InlineData(KernelPath.Avx2)]
    [InlineData(KernelPath.Avx512)]
    public unsafe void HorizontalSumTreesMatchPerVectorSums(KernelPath path)
    {
        Paths.Require(path);
        int width = path == KernelPath.Avx512 ? 16 : 8;
        var rng = new Random(11);
        float[] v = new float[width * width];
        for (int i = 0; i < v.Length; i++) v[i] = (float)(rng.NextDouble() * 2 - 1);
        float[] sums = new float[width + 1];
        sums[width] = 12345f;
        fixed (float* pv = v, ps = sums)
        {
            if (path == KernelPath.Avx512) HorizontalSums16Avx512.Run(pv, ps);
            else HorizontalSums8Avx2.Run(pv, ps);
        }
        for (int i = 0; i < width; i++)
        {
            double expected = 0;
            for (int l = 0; l < width; l++) expected += v[i * width + l];
            Assert.True(Math.Abs(sums[i] - expected) <= 1e-5, $"vector {i}: {sums[i]} vs {expected}");
        }
        Assert.Equal(12345f, sums[width]);
    }
}
