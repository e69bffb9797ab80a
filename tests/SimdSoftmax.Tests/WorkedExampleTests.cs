namespace SimdSoftmax.Tests;

/// <summary>The seeds' worked examples, reproduced on every path.</summary>
public class WorkedExampleTests
{
    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Softmax_of_minus3_2_minus1_0(KernelPath path)
    {
        Paths.Require(path);
        var y = new float[4];
        Softmax.Rows([-3f, 2f, -1f, 0f], y, 4, path);
        Assert.Equal(new[] { 0.0057, 0.8390, 0.0418, 0.1135 }, y.Select(v => Math.Round(v, 4)));
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Cross_entropy_of_the_same_scores(KernelPath path)
    {
        Paths.Require(path);
        float[] s = [-3f, 2f, -1f, 0f];
        Assert.Equal(0.1755, Math.Round(SoftmaxCrossEntropy.Loss(s, [1], 4, path), 4));
        Assert.Equal(5.1755, Math.Round(SoftmaxCrossEntropy.Loss(s, [0], 4, path), 4));
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Confident_and_unsure_scores(KernelPath path)
    {
        Paths.Require(path);
        Assert.Equal(0.00, Math.Round(SoftmaxCrossEntropy.Loss([10f, -10f, -10f], [0], 3, path), 2));
        Assert.Equal(0.55, Math.Round(SoftmaxCrossEntropy.Loss([10f, 9f, 9f], [0], 3, path), 2));
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Large_scores_stay_finite_where_unshifted_softmax_gives_NaN(KernelPath path)
    {
        Paths.Require(path);
        var y = new float[3];
        Softmax.Rows([123f, 456f, 789f], y, 3, path);
        Assert.All(y, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(1.0, y.Sum(v => (double)v), 6);
        Assert.Equal(1f, y[2]);
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Initial_loss_with_tiny_weights_is_ln10(KernelPath path)
    {
        Paths.Require(path);
        const int n = 500, d = 3073, c = 10;
        float[] x = Data.Gaussian(n * d, 1, 10f); // centred pixel-like data
        float[] w = Data.Gaussian(d * c, 2, 1e-4f);
        int[] y = Data.Labels(n, c, 3);
        var dW = new float[d * c];
        var ws = new float[SoftmaxLoss.WorkspaceLength(n, d, c)];
        float loss = SoftmaxLoss.LossAndGradient(x, w, y, dW, ws, n, d, c, path: path);
        Assert.InRange(loss, -Math.Log(0.1) - 0.01, -Math.Log(0.1) + 0.01);
    }
}
