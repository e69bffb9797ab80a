namespace SimdSoftmax.Tests;

/// <summary>SoftmaxClassifier trained with <see cref="ClassifierLoss.Svm"/>: learns, reaches zero hinge loss on separable data, allocates nothing per step.</summary>
public class SvmTrainingTests
{
    private static (float[] X, int[] Y) Blobs(int n, int d, int c, int seed)
    {
        float[] noise = Data.Gaussian(n * d, seed, 0.3f);
        int[] y = Data.Labels(n, c, seed + 1);
        for (int i = 0; i < n; i++) noise[i * d + y[i] % d] += 3f;
        return (noise, y);
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Separable_data_reaches_100_percent_and_zero_hinge_loss(KernelPath path)
    {
        Paths.Require(path);
        const int n = 300, d = 12, c = 5;
        var (x, y) = Blobs(n, d, c, 1);
        var model = new SoftmaxClassifier(d, c, WeightInit.SmallGaussian, seed: 3);
        TrainingResult r = model.Train(x, y, n, new TrainingOptions { Loss = ClassifierLoss.Svm, Path = path, LearningRate = 0.1f, BatchSize = 32, Iterations = 300, Regularization = 0f });
        Assert.False(r.Diverged);
        Assert.Equal(1.0, model.Accuracy(x, y, n, path));
        // Unlike cross-entropy, the hinge reaches exactly 0 once every margin holds.
        var dW = new float[d * c];
        var db = new float[c];
        float loss = SvmLoss.LossAndGradient(x, model.Weights, model.Bias, y, dW, db, new float[SvmLoss.WorkspaceLength(n, d, c)], n, d, c, path: path);
        Assert.Equal(0f, loss);
        Assert.All(dW, v => Assert.Equal(0f, v));
    }

    [SkippableTheory, MemberData(nameof(Paths.Simd), MemberType = typeof(Paths))]
    public void Simd_training_follows_the_scalar_reference(KernelPath path)
    {
        Paths.Require(path);
        const int n = 400, d = 20, c = 10;
        var (x, y) = Blobs(n, d, c, 5);
        var options = new TrainingOptions { Loss = ClassifierLoss.Svm, LearningRate = 0.05f, BatchSize = 50, Iterations = 40 };
        var scalar = new SoftmaxClassifier(d, c, WeightInit.SmallGaussian, seed: 1);
        var simd = new SoftmaxClassifier(d, c, WeightInit.SmallGaussian, seed: 1);
        scalar.Train(x, y, n, options with { Path = KernelPath.Scalar });
        simd.Train(x, y, n, options with { Path = path });
        for (int k = 0; k < scalar.Weights.Length; k++) Assert.Equal(scalar.Weights[k], simd.Weights[k], 1e-3f);
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Steady_state_steps_allocate_nothing(KernelPath path)
    {
        Paths.Require(path);
        const int n = 256, d = 30, c = 10;
        var (x, y) = Blobs(n, d, c, 9);
        var model = new SoftmaxClassifier(d, c);
        var options = new TrainingOptions { Loss = ClassifierLoss.Svm, Path = path, BatchSize = 32, LearningRate = 0.01f };
        // Per-call setup allocates (buffers sized by the options); the steps themselves must not: 1 step and 40 steps cost the same.
        long one = SteadyState.AllocatedBytes(() => model.Train(x, y, n, options with { Iterations = 1 }), calls: 1);
        long many = SteadyState.AllocatedBytes(() => model.Train(x, y, n, options with { Iterations = 40 }), calls: 1);
        Assert.Equal(one, many);
    }

    [Fact]
    public void An_undefined_loss_is_rejected()
    {
        var model = new SoftmaxClassifier(2, 2);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.Train(new float[4], [0, 1], 2, new TrainingOptions { Loss = (ClassifierLoss)7 }));
        Assert.Equal("Loss", e.ParamName);
    }
}
