namespace SimdSoftmax.Tests;

/// <summary>SoftmaxClassifier: SGD reaches 100% on separable data, the loss falls, seeds reproduce, steps allocate nothing.</summary>
public class TrainingTests
{
    /// <summary>
    /// C well separated Gaussian blobs in D dimensions: class k is centered at 3·e_k (plus small noise), so a linear
    /// classifier separates them perfectly.
    /// </summary>
    private static (float[] X, int[] Y) Blobs(int n, int d, int c, int seed)
    {
        float[] noise = Data.Gaussian(n * d, seed, 0.3f);
        int[] y = Data.Labels(n, c, seed + 1);
        for (int i = 0; i < n; i++) noise[i * d + y[i] % d] += 3f;
        return (noise, y);
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Separable_data_reaches_100_percent(KernelPath path)
    {
        Paths.Require(path);
        const int n = 300, d = 12, c = 5;
        var (x, y) = Blobs(n, d, c, 1);
        var model = new SoftmaxClassifier(d, c, WeightInit.SmallGaussian, seed: 3);
        Assert.InRange(model.Accuracy(x, y, n, path), 0.0, 0.6);
        TrainingResult r = model.Train(x, y, n, new TrainingOptions { Path = path, LearningRate = 0.5f, BatchSize = 32, Iterations = 300, Regularization = 1e-4f });
        Assert.False(r.Diverged);
        Assert.Equal(300, r.Iterations);
        Assert.Equal(1.0, model.Accuracy(x, y, n, path));
        var (xt, yt) = Blobs(200, d, c, 77); // fresh samples from the same blobs
        Assert.Equal(1.0, model.Accuracy(xt, yt, 200, path));
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Loss_decreases(KernelPath path)
    {
        Paths.Require(path);
        const int n = 500, d = 20, c = 10;
        var (x, y) = Blobs(n, d, c, 5);
        var losses = new List<float>();
        var model = new SoftmaxClassifier(d, c);
        model.Train(x, y, n, new TrainingOptions { Path = path, Iterations = 100, BatchSize = 50, LearningRate = 0.2f, LearningRateDecay = 1f, Progress = (it, loss) => { Assert.Equal(losses.Count, it); losses.Add(loss); } });
        Assert.Equal(100, losses.Count);
        Assert.Equal(Math.Log(c), losses[0], 2); // tiny starting weights: uniform predictions
        Assert.True(losses.Skip(90).Average() < 0.25 * losses.Take(10).Average(), $"first {losses[0]}, last {losses[^1]}");
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Same_seed_gives_identical_weights(KernelPath path)
    {
        Paths.Require(path);
        const int n = 130, d = 9, c = 4;
        var (x, y) = Blobs(n, d, c, 7);
        float[] Train(int seed)
        {
            var m = new SoftmaxClassifier(d, c, WeightInit.SmallGaussian, seed: 1);
            m.Train(x, y, n, new TrainingOptions { Path = path, Seed = seed, Iterations = 37, BatchSize = 16 });
            return [.. m.Weights, .. m.Bias];
        }
        Assert.Equal(Train(42), Train(42));
        Assert.NotEqual(Train(42), Train(43));
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Thread_count_does_not_change_the_weights(KernelPath path)
    {
        Paths.Require(path);
        const int n = 600, d = 70, c = 10;
        var (x, y) = Blobs(n, d, c, 17);
        float[] Train(int threads)
        {
            var m = new SoftmaxClassifier(d, c);
            m.Train(x, y, n, new TrainingOptions { Path = path, Threads = threads, Iterations = 12, BatchSize = 500 });
            return [.. m.Weights, .. m.Bias];
        }
        float[] one = Train(1);
        Assert.Equal(one, Train(2));
        Assert.Equal(one, Train(3));
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Steady_state_steps_allocate_nothing(KernelPath path)
    {
        Paths.Require(path);
        const int n = 400, d = 64, c = 10;
        var (x, y) = Blobs(n, d, c, 9);
        var model = new SoftmaxClassifier(d, c);
        var options = new TrainingOptions { Path = path, BatchSize = 100, LearningRateDecay = 0.9f };
        long Allocated(int iterations)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            model.Train(x, y, n, options with { Iterations = iterations });
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Allocated(300); // warm up: JIT, tiering
        // 300 more steps (75 epochs, reshuffles, decay) must cost 0 bytes: the 310-step call allocates no more than the
        // 10-step one. A one-off runtime allocation (tier-up of something on this thread, slower on a loaded machine)
        // can land in either call, so up to 10 attempts are allowed; a per-step allocation of even one byte makes the
        // longer call at least 300 bytes dearer in every attempt.
        long few = 0, many = -1;
        for (int attempt = 0; attempt < 10 && !(many >= 0 && many <= few); attempt++)
        {
            few = Allocated(10);
            many = Allocated(310);
        }
        Assert.True(many <= few, $"10 steps allocated {few} bytes, 310 steps {many} bytes (last of 10 attempts)");
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Scores_and_predictions_match_a_plain_loop(KernelPath path)
    {
        Paths.Require(path);
        const int d = 13, c = 7;
        foreach (int n in new[] { 0, 1, 255, 256, 257, 600 })
        {
            float[] x = Data.Uniform(n * d, n + 1);
            var model = new SoftmaxClassifier(d, c);
            Data.Gaussian(d * c, 3).CopyTo(model.Weights, 0);
            Data.Gaussian(c, 4).CopyTo(model.Bias, 0);
            var scores = new float[n * c];
            model.Scores(x, scores, n, path);
            int[] predicted = model.Predict(x, n, path);
            int[] y = new int[n];
            for (int i = 0; i < n; i++)
            {
                int best = 0;
                for (int j = 0; j < c; j++)
                {
                    double s = model.Bias[j];
                    for (int p = 0; p < d; p++) s += (double)x[i * d + p] * model.Weights[p * c + j];
                    Assert.True(Math.Abs(s - scores[i * c + j]) < 1e-4, $"n={n} score[{i},{j}] {scores[i * c + j]} vs {s}");
                    if (scores[i * c + j] > scores[i * c + best]) best = j; // the argmax of the returned scores, first on ties
                }
                Assert.Equal(best, predicted[i]);
                y[i] = i % 3 == 0 ? best : (best + 1) % c;
            }
            double expected = n == 0 ? 0 : (double)Enumerable.Range(0, n).Count(i => i % 3 == 0) / n;
            Assert.Equal(expected, model.Accuracy(x, y, n, path), 12);
        }
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Unshuffled_training_is_plain_sgd_over_the_stored_order(KernelPath path)
    {
        // n = 100, batch 30: batches 0–29, 30–59, 60–89 are read in place, then 90–99 + 0–19 wraps (gathered), ...
        Paths.Require(path);
        const int n = 100, d = 6, c = 4, batch = 30, steps = 11;
        const float lr = 0.3f, reg = 1e-3f;
        var (x, y) = Blobs(n, d, c, 15);
        var model = new SoftmaxClassifier(d, c, WeightInit.SmallGaussian, 2);
        float[] w = [.. model.Weights], b = [.. model.Bias];
        model.Train(x, y, n, new TrainingOptions { Path = path, Shuffle = false, BatchSize = batch, Iterations = steps, LearningRate = lr, Regularization = reg, LearningRateDecay = 1 });

        float[] bx = new float[batch * d], dW = new float[d * c], db = new float[c];
        int[] by = new int[batch];
        float[] ws = new float[SoftmaxLoss.WorkspaceLength(batch, d, c)];
        for (int step = 0, next = 0; step < steps; step++)
        {
            for (int k = 0; k < batch; k++, next = (next + 1) % n)
            {
                Array.Copy(x, next * d, bx, k * d, d);
                by[k] = y[next];
            }
            SoftmaxLoss.LossAndGradient(bx, w, b, by, dW, db, ws, batch, d, c, new ClassifierOptions { Regularization = reg }, path);
            for (int i = 0; i < w.Length; i++) w[i] += -lr * dW[i];
            for (int j = 0; j < c; j++) b[j] += -lr * db[j];
        }
        Assert.Equal(w, model.Weights);
        Assert.Equal(b, model.Bias);
    }

    [Fact]
    public void Epochs_override_iterations_and_batch_is_clamped()
    {
        const int n = 50, d = 3, c = 2;
        var (x, y) = Blobs(n, d, c, 11);
        var model = new SoftmaxClassifier(d, c);
        Assert.Equal(13, model.Train(x, y, n, new TrainingOptions { Path = KernelPath.Scalar, Epochs = 2.5, BatchSize = 10, Iterations = 999 }).Iterations);
        Assert.Equal(3, model.Train(x, y, n, new TrainingOptions { Path = KernelPath.Scalar, Epochs = 3, BatchSize = 1000 }).Iterations);
    }

    [Fact]
    public void Zero_learning_rate_and_zero_iterations_leave_weights_alone()
    {
        const int n = 20, d = 4, c = 3;
        var (x, y) = Blobs(n, d, c, 12);
        var model = new SoftmaxClassifier(d, c, WeightInit.Zeros);
        Assert.All(model.Weights, v => Assert.Equal(0f, v));
        TrainingResult r = model.Train(x, y, n, new TrainingOptions { Path = KernelPath.Scalar, LearningRate = 0, Iterations = 5 });
        Assert.Equal(Math.Log(c), r.FinalLoss, 5);
        Assert.All(model.Weights, v => Assert.Equal(0f, v));
        TrainingResult none = model.Train(x, y, n, new TrainingOptions { Path = KernelPath.Scalar, Iterations = 0 });
        Assert.Equal(0, none.Iterations);
        Assert.True(float.IsNaN(none.FinalLoss));
        Assert.Equal(0, model.Train([], [], 0, new TrainingOptions { Iterations = 0 }).Iterations);
    }

    [Fact]
    public void Small_gaussian_init_is_seeded_and_tiny()
    {
        var a = new SoftmaxClassifier(784, 10, WeightInit.SmallGaussian, 5);
        var b = new SoftmaxClassifier(784, 10, WeightInit.SmallGaussian, 5);
        Assert.Equal(a.Weights, b.Weights);
        Assert.NotEqual(a.Weights, new SoftmaxClassifier(784, 10, WeightInit.SmallGaussian, 6).Weights);
        double rms = Math.Sqrt(a.Weights.Average(v => (double)v * v));
        Assert.InRange(rms, 0.9e-4, 1.1e-4);
        Assert.All(a.Bias, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Divergence_stops_training()
    {
        const int n = 40, d = 5, c = 3;
        var (x, y) = Blobs(n, d, c, 13);
        for (int i = 0; i < x.Length; i++) x[i] *= 1e4f;
        var model = new SoftmaxClassifier(d, c);
        TrainingResult r = model.Train(x, y, n, new TrainingOptions { Path = KernelPath.Scalar, LearningRate = 1e36f, Iterations = 100, BatchSize = 8 });
        Assert.True(r.Diverged);
        Assert.True(r.Iterations < 100);
        Assert.False(float.IsFinite(r.FinalLoss));
    }

    [Fact]
    public void Bad_arguments_are_rejected_before_training()
    {
        const int n = 10, d = 3, c = 2;
        var (x, y) = Blobs(n, d, c, 14);
        var model = new SoftmaxClassifier(d, c, WeightInit.Zeros);
        void Bad<T>(TrainingOptions o) where T : Exception => Assert.Throws<T>(() => model.Train(x, y, n, o));
        Bad<ArgumentOutOfRangeException>(new() { LearningRate = float.NaN });
        Bad<ArgumentOutOfRangeException>(new() { LearningRate = -1 });
        Bad<ArgumentOutOfRangeException>(new() { Regularization = -1 });
        Bad<ArgumentOutOfRangeException>(new() { Regularization = float.PositiveInfinity });
        Bad<ArgumentOutOfRangeException>(new() { BatchSize = 0 });
        Bad<ArgumentOutOfRangeException>(new() { Iterations = -1 });
        Bad<ArgumentOutOfRangeException>(new() { Epochs = double.NaN });
        Bad<ArgumentOutOfRangeException>(new() { LearningRateDecay = 0 });
        Bad<ArgumentOutOfRangeException>(new() { LearningRateDecay = 1.5f });
        Bad<ArgumentOutOfRangeException>(new() { Threads = 0 });
        Bad<ArgumentOutOfRangeException>(new() { Path = (KernelPath)42 });
        Assert.Throws<ArgumentException>(() => model.Train(x.AsSpan(1), y, n, new TrainingOptions { Path = KernelPath.Scalar }));
        Assert.Throws<ArgumentException>(() => model.Train(x, y.AsSpan(1), n, new TrainingOptions { Path = KernelPath.Scalar }));
        int[] badLabels = [.. y];
        badLabels[3] = c;
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Train(x, badLabels, n, new TrainingOptions { Path = KernelPath.Scalar }));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Train([], [], 0, new TrainingOptions { Path = KernelPath.Scalar, Iterations = 1 }));
        Assert.All(model.Weights, v => Assert.Equal(0f, v)); // nothing was touched
        Assert.Throws<ArgumentOutOfRangeException>(() => new SoftmaxClassifier(0, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SoftmaxClassifier(2, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SoftmaxClassifier(2, 2, (WeightInit)9));
        Assert.Throws<ArgumentException>(() => model.Predict(x.AsSpan(1), new int[n], n, KernelPath.Scalar));
        Assert.Throws<ArgumentException>(() => model.Predict(x, new int[n - 1], n, KernelPath.Scalar));
    }

    [Fact]
    public void Learns_real_MNIST_digits_on_the_scalar_path()
    {
        // A short run on 2,000 of the shipped test images, scored on 1,000 others: well above chance (10%).
        string dir = IdxTests.ShippedMnist();
        LabeledImages all = LabeledImages.Load(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"), Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"));
        var (train, rest) = all.Split(2000, 1);
        LabeledImages test = rest.Subset(Enumerable.Range(0, 1000).ToArray());
        var model = new SoftmaxClassifier(784, 10);
        model.Train(train.Features, train.Labels, train.Count, new TrainingOptions { Path = KernelPath.Scalar, Iterations = 60, BatchSize = 100 });
        Assert.InRange(model.Accuracy(test.Features, test.Labels, test.Count, KernelPath.Scalar), 0.80, 1.0);
    }
}
