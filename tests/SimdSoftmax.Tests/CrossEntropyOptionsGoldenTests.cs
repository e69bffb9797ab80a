using System.Text.Json;

namespace SimdSoftmax.Tests;

/// <summary>
/// Cross-entropy options and the classifier with options and dX against PyTorch 1.13.1's values (scripts/golden-torch.py):
/// the scalar reference within 1e-6 relative, the SIMD paths within 2e-5 (their exp and sums are float).
/// </summary>
public class CrossEntropyOptionsGoldenTests
{
    public static TheoryData<string, KernelPath> CrossEntropyFiles
    {
        get
        {
            var data = new TheoryData<string, KernelPath>();
            foreach (string f in new[] { "ce-hard.json", "ce-hard-1000.json", "ce-soft.json", "ce-soft-1000.json" })
                foreach (KernelPath p in new[] { KernelPath.Scalar, KernelPath.Avx2, KernelPath.Avx512 })
                    data.Add(f, p);
            return data;
        }
    }

    private static readonly CrossEntropyReduction[] s_reductions = [CrossEntropyReduction.Mean, CrossEntropyReduction.Sum, CrossEntropyReduction.None];

    [SkippableTheory, MemberData(nameof(CrossEntropyFiles))]
    public void Cross_entropy_matches_PyTorch(string file, KernelPath path)
    {
        Paths.Require(path);
        double rtol = path == KernelPath.Scalar ? 1e-6 : 2e-5;
        int count = 0;
        foreach (JsonElement k in Golden.Cases(file))
        {
            count++;
            string name = k.GetProperty("name").GetString()!;
            int n = k.GetProperty("n").GetInt32(), c = k.GetProperty("c").GetInt32();
            float[] logits = Golden.Floats(k.GetProperty("logits"));
            bool soft = Golden.Has(k, "targets");
            int[] labels = soft ? [] : Golden.Ints(k.GetProperty("labels"));
            float[] targets = soft ? Golden.Floats(k.GetProperty("targets")) : [];
            float[] weights = Golden.Has(k, "weights") ? Golden.Floats(k.GetProperty("weights")) : [];
            double denominator = Golden.Num(k.GetProperty("denominator"));
            foreach (CrossEntropyReduction red in s_reductions)
            {
                CrossEntropyOptions o = Golden.Options(k, red);
                string what = $"{file} '{name}' {red} {path}";
                var g = new float[n * c];
                var losses = new float[n];
                var lse = new float[n];
                var argmax = new int[n];
                var all = new CrossEntropyRowOutputs { Losses = losses, LogSumExp = lse, Argmax = argmax };
                float loss = soft
                    ? SoftmaxCrossEntropy.LossAndGradient(logits, targets, g, c, o with { ClassWeights = weights }, all, path)
                    : SoftmaxCrossEntropy.LossAndGradient(logits, labels, g, c, o with { ClassWeights = weights }, all, path);
                // Without lse/argmax the SIMD kernels run where they exist: check that form against PyTorch too.
                var g2 = new float[n * c];
                var losses2 = new float[n];
                var some = new CrossEntropyRowOutputs { Losses = red == CrossEntropyReduction.None ? losses2 : default };
                float loss2 = soft
                    ? SoftmaxCrossEntropy.LossAndGradient(logits, targets, g2, c, o with { ClassWeights = weights }, some, path)
                    : SoftmaxCrossEntropy.LossAndGradient(logits, labels, g2, c, o with { ClassWeights = weights }, some, path);
                float lossOnly = soft
                    ? SoftmaxCrossEntropy.Loss(logits, targets, c, o with { ClassWeights = weights }, some, path)
                    : SoftmaxCrossEntropy.Loss(logits, labels, c, o with { ClassWeights = weights }, some, path);

                double expected;
                double[] grad;
                if (red == CrossEntropyReduction.Mean && denominator == 0)
                {
                    // Documented difference: PyTorch divides 0 by 0; we define the cross-entropy term as 0 with a
                    // zero gradient (the z-loss term stays), values the script computes in torch.
                    Assert.True(double.IsNaN(Golden.Num(k.GetProperty("loss_mean"))), what);
                    expected = Golden.Num(k.GetProperty("simdsoftmax_loss_mean"));
                    grad = Golden.Doubles(k.GetProperty("simdsoftmax_grad_mean"));
                }
                else
                {
                    string r = red == CrossEntropyReduction.Mean ? "mean" : "sum";
                    expected = Golden.Num(k.GetProperty($"loss_{r}"));
                    grad = Golden.Doubles(k.GetProperty($"grad_{r}"));
                }
                Golden.Loss(expected, loss, rtol, what);
                Golden.Loss(expected, loss2, rtol, what + " (no lse/argmax)");
                Golden.Loss(expected, lossOnly, rtol, what + " (loss only)");
                double atol = (soft || o.LabelSmoothing != 0) && path != KernelPath.Scalar
                    ? Golden.SoftGradientAtol(soft ? targets : Golden.OneHot(labels, c), weights, n, c, o.LabelSmoothing,
                        red == CrossEntropyReduction.Mean ? 1.0 / n : 1.0)
                    : 1e-30;
                Golden.Rows(grad, g, c, rtol, what + " grad", atol);
                Golden.Rows(grad, g2, c, rtol, what + " grad (no lse/argmax)", atol);
                double[] rowLosses = Golden.Doubles(k.GetProperty("loss_none"));
                for (int i = 0; i < n; i++) Golden.Loss(rowLosses[i], losses[i], rtol, $"{what} row loss {i}", atol: 1e-7);
                if (red == CrossEntropyReduction.None)
                    for (int i = 0; i < n; i++) Assert.Equal(losses[i], losses2[i], 4e-5 * Math.Abs(losses[i]) + 1e-6);
                double[] lseExpected = Golden.Doubles(k.GetProperty("lse"));
                for (int i = 0; i < n; i++) Golden.Loss(lseExpected[i], lse[i], 1e-6, $"{what} lse {i}");
                Assert.Equal(Golden.Ints(k.GetProperty("argmax")), argmax);
            }
        }
        Assert.True(count > 0);
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Linear_cross_entropy_matches_PyTorch(KernelPath path)
    {
        Paths.Require(path);
        double rtol = path == KernelPath.Scalar ? 1e-6 : 2e-5;
        int count = 0;
        foreach (JsonElement k in Golden.Cases("linear.json"))
        {
            count++;
            string name = k.GetProperty("name").GetString()!;
            int n = k.GetProperty("n").GetInt32(), d = k.GetProperty("d").GetInt32(), c = k.GetProperty("c").GetInt32();
            float[] x = Golden.Floats(k.GetProperty("x")), w = Golden.Floats(k.GetProperty("w_dxc"));
            bool hasBias = Golden.Has(k, "b");
            float[] b = hasBias ? Golden.Floats(k.GetProperty("b")) : [];
            bool soft = Golden.Has(k, "targets");
            int[] labels = soft ? [] : Golden.Ints(k.GetProperty("labels"));
            float[] targets = soft ? Golden.Floats(k.GetProperty("targets")) : [];
            float[] weights = Golden.Has(k, "weights") ? Golden.Floats(k.GetProperty("weights")) : [];
            float reg = (float)k.GetProperty("reg").GetDouble();
            foreach (CrossEntropyReduction red in s_reductions)
            {
                CrossEntropyOptions o = Golden.Options(k, red);
                string what = $"linear '{name}' {red} {path}";
                float[] dW = new float[d * c], db = new float[b.Length], dX = new float[n * d], losses = new float[n];
                var ws = new float[SoftmaxLoss.WorkspaceLength(n, d, c)];
                var outputs = new CrossEntropyRowOutputs { Losses = losses };
                float loss = soft
                    ? SoftmaxLoss.LossAndGradient(x, w, b, targets, dW, db, dX, ws, n, d, c, new ClassifierOptions { Regularization = reg }, o with { ClassWeights = weights }, outputs, path, 1)
                    : SoftmaxLoss.LossAndGradient(x, w, b, labels, dW, db, dX, ws, n, d, c, new ClassifierOptions { Regularization = reg }, o with { ClassWeights = weights }, outputs, path, 1);
                string r = red == CrossEntropyReduction.Mean ? "mean" : "sum";
                Golden.Loss(Golden.Num(k.GetProperty($"loss_{r}")), loss, rtol, what);
                Golden.Rows(Golden.Doubles(k.GetProperty($"dw_dxc_{r}")), dW, c, rtol, what + " dW");
                Golden.Rows(Golden.Doubles(k.GetProperty($"dx_{r}")), dX, d, rtol, what + " dX");
                if (hasBias) Golden.Rows(Golden.Doubles(k.GetProperty($"db_{r}")), db, c, rtol, what + " db");
                // The C×D layout (torch.nn.Linear's) gradient is the transpose of the D×C one.
                double[] dwCxd = Golden.Doubles(k.GetProperty($"dw_cxd_{r}"));
                var dWt = new float[c * d];
                for (int p = 0; p < d; p++) for (int j = 0; j < c; j++) dWt[j * d + p] = dW[p * c + j];
                Golden.Rows(dwCxd, dWt, d, rtol, what + " dW (C×D)");
                double[] rowLosses = Golden.Doubles(k.GetProperty("loss_none"));
                for (int i = 0; i < n; i++) Golden.Loss(rowLosses[i], losses[i], rtol, $"{what} row loss {i}");
            }
        }
        Assert.True(count > 0);
    }
}
