using System.Diagnostics;
using System.Numerics.Tensors;

namespace SimdSoftmax;

/// <summary>How <see cref="SoftmaxClassifier"/> sets its starting weights.</summary>
public enum WeightInit
{
    /// <summary>W = 1e-4·N(0, 1), drawn from a seed (CS231n's <c>LinearClassifier.train</c>); bias 0.</summary>
    SmallGaussian = 0,
    /// <summary>W = 0 and bias 0. Softmax regression is convex, so zeros train as well as random weights.</summary>
    Zeros = 1,
}

/// <summary>
/// A softmax linear classifier: scores <c>S = X·W + b</c> with weights W (D×C) and bias b (C), trained by minibatch SGD
/// on <see cref="SoftmaxLoss"/> (mean cross-entropy + ½·reg·ΣW²), or on <see cref="SvmLoss"/> (the multiclass SVM on the same
/// linear scores) when <see cref="TrainingOptions.Loss"/> is <see cref="ClassifierLoss.Svm"/>.
/// </summary>
/// <remarks>
/// Each step gathers a minibatch into a buffer allocated once per <see cref="Train"/> call, computes the loss and
/// gradient with <see cref="SoftmaxLoss"/> (with bias) on the chosen path, and updates W and b with <see cref="TensorPrimitives.MultiplyAdd(ReadOnlySpan{float}, float, ReadOnlySpan{float}, Span{float})"/>:
/// steady-state steps allocate nothing. Training is deterministic for a given seed, data, starting weights and path.
/// </remarks>
public sealed class SoftmaxClassifier
{
    private const int PredictBlockRows = 256;

    /// <summary>A classifier for <paramref name="features"/> inputs and <paramref name="classes"/> classes.</summary>
    /// <param name="features">D, at least 1.</param>
    /// <param name="classes">C, at least 1.</param>
    /// <param name="init">Starting weights: <see cref="WeightInit.SmallGaussian"/> (default) or <see cref="WeightInit.Zeros"/>.</param>
    /// <param name="seed">Seed of the starting weights.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, D·C overflows, or <paramref name="init"/> is undefined.</exception>
    public SoftmaxClassifier(int features, int classes, WeightInit init = WeightInit.SmallGaussian, int seed = 0)
    {
        Require.Positive(features);
        Require.Positive(classes);
        if (!Enum.IsDefined(init)) throw new ArgumentOutOfRangeException(nameof(init), init, "Not a defined WeightInit value.");
        Weights = new float[Require.Product(features, classes, nameof(classes))];
        Bias = new float[classes];
        Features = features;
        Classes = classes;
        if (init == WeightInit.SmallGaussian)
        {
            var rng = new Random(seed);
            for (int i = 0; i < Weights.Length; i++)
            {
                // Box–Muller on the seeded generator: reproducible on every runtime.
                double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
                Weights[i] = (float)(1e-4 * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
            }
        }
    }

    /// <summary>D, the number of input features.</summary>
    public int Features { get; }

    /// <summary>C, the number of classes.</summary>
    public int Classes { get; }

    /// <summary>W, D×C row-major: column j is the template of class j. Writable (load trained weights here).</summary>
    public float[] Weights { get; }

    /// <summary>b, C values. Writable.</summary>
    public float[] Bias { get; }

    /// <summary>
    /// Minibatch SGD from the current weights: each step takes the next <see cref="TrainingOptions.BatchSize"/> samples of a
    /// seeded permutation, computes loss and gradient on <see cref="TrainingOptions.Path"/> and steps W and b downhill.
    /// Stops early (with <see cref="TrainingResult.Diverged"/>) when the loss becomes NaN or infinite.
    /// </summary>
    /// <param name="x">Samples, rows×<see cref="Features"/> row-major.</param>
    /// <param name="labels">The true class of each row, rows values in [0, <see cref="Classes"/>).</param>
    /// <param name="rows">N, the number of samples; at least 1 when any step is to run.</param>
    /// <param name="options">Settings; <c>null</c> means the defaults.</param>
    /// <returns>Steps taken, last loss, whether it diverged, and the time spent.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option or size is out of range, or a label is outside [0, C).</exception>
    /// <exception cref="ArgumentException">A span's length does not fit N and D, or <paramref name="x"/> is the model's own <see cref="Weights"/> or <see cref="Bias"/>.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit path this CPU cannot run.</exception>
    public TrainingResult Train(ReadOnlySpan<float> x, ReadOnlySpan<int> labels, int rows, TrainingOptions? options = null)
    {
        options ??= new TrainingOptions();
        options.Validate();
        int d = Features, c = Classes, n = rows;
        Require.NonNegative(rows);
        Require.Length(x.Length, Require.Product(rows, d, nameof(rows)), nameof(x));
        Require.Length(labels.Length, rows, nameof(labels));
        Require.Labels(labels, c, nameof(labels));
        ReadOnlySpan<int> y = labels;
        Require.NoOverlap<float, float>(Weights, x, nameof(Weights), nameof(x)); // training would rewrite its own samples
        Require.NoOverlap<float, float>(Bias, x, nameof(Bias), nameof(x));
        KernelPath path = KernelPaths.Resolve(options.Path);

        int batch = Math.Min(options.BatchSize, Math.Max(n, 1));
        int iterationsPerEpoch = Math.Max(1, (n + batch - 1) / batch);
        long planned = options.Epochs > 0 ? (long)Math.Ceiling(options.Epochs * n / batch) : options.Iterations;
        if (planned > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(options), planned, "Too many iterations.");
        int iterations = (int)planned;
        if (iterations > 0 && n == 0) throw new ArgumentOutOfRangeException(nameof(rows), n, "Training needs at least one sample.");

        // Everything a step touches is allocated here, once.
        int threads = options.Threads;
        var batchX = new float[Require.Product(batch, d, nameof(d))];
        var batchY = new int[batch];
        var dW = new float[Weights.Length];
        var db = new float[c];
        var workspace = new float[ClassifierLossCall.WorkspaceLength(batch, d, c, threads, options.Loss)];
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var rng = new Random(options.Seed);
        if (options.Shuffle) rng.Shuffle(order);
        int next = 0;

        float lr = options.LearningRate, reg = options.Regularization, loss = float.NaN;
        Action<int, float>? progress = options.Progress;
        int done = 0;
        bool diverged = false;
        long start = Stopwatch.GetTimestamp();
        for (int it = 0; it < iterations; it++)
        {
            ReadOnlySpan<float> stepX = batchX;
            ReadOnlySpan<int> stepY = batchY;
            if (!options.Shuffle && next + batch <= n)
            {
                // Stored order and no wrap: the batch is already contiguous, so the step reads it in place. Gathering
                // rows costs about as much as the SIMD loss kernel itself on MNIST (both stream the batch once).
                stepX = x.Slice(next * d, batch * d);
                stepY = y.Slice(next, batch);
                next += batch;
            }
            else
            {
                for (int k = 0; k < batch; k++)
                {
                    if (next == n)
                    {
                        if (options.Shuffle) rng.Shuffle(order);
                        next = 0;
                    }
                    int row = order[next++];
                    x.Slice(row * d, d).CopyTo(batchX.AsSpan(k * d, d));
                    batchY[k] = y[row];
                }
            }
            if (next == n && !options.Shuffle) next = 0;
            loss = ClassifierLossCall.LossAndGradient(stepX, Weights, Bias, stepY, dW, db, workspace, batch, d, c, reg, path, threads, options.Loss);
            done = it + 1;
            if (!float.IsFinite(loss))
            {
                diverged = true;
                progress?.Invoke(it, loss);
                break;
            }
            TensorPrimitives.MultiplyAdd(dW, -lr, Weights, Weights);
            TensorPrimitives.MultiplyAdd(db, -lr, Bias, Bias);
            progress?.Invoke(it, loss);
            if (done % iterationsPerEpoch == 0) lr *= options.LearningRateDecay;
        }
        return new TrainingResult(done, loss, diverged, Stopwatch.GetElapsedTime(start));
    }

    /// <summary>Scores <c>X·W + bias</c> of N samples, computed in row blocks through <see cref="Gemm"/>.</summary>
    /// <param name="x">Samples, rows×<see cref="Features"/> row-major.</param>
    /// <param name="scores">Output rows×<see cref="Classes"/>, overwritten.</param>
    /// <param name="rows">N, the number of samples.</param>
    /// <param name="path">Which kernels run.</param>
    /// <exception cref="ArgumentException">A span's length does not fit N, D and C, or <paramref name="scores"/> overlaps an input.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit path this CPU cannot run.</exception>
    public void Scores(ReadOnlySpan<float> x, Span<float> scores, int rows, KernelPath path = KernelPath.Auto)
    {
        int d = Features, c = Classes, n = rows;
        Require.NonNegative(rows);
        Require.Length(x.Length, Require.Product(rows, d, nameof(rows)), nameof(x));
        Require.Length(scores.Length, Require.Product(rows, c, nameof(rows)), nameof(scores));
        Require.NoOverlap(x, scores, nameof(x), nameof(scores));
        Require.NoOverlap<float, float>(Weights, scores, nameof(Weights), nameof(scores));
        Require.NoOverlap<float, float>(Bias, scores, nameof(Bias), nameof(scores));
        KernelPath resolved = KernelPaths.Resolve(path);
        for (int r = 0; r < n; r += PredictBlockRows)
        {
            int blockRows = Math.Min(PredictBlockRows, n - r);
            Span<float> block = scores.Slice(r * c, blockRows * c);
            Gemm.Multiply(x.Slice(r * d, blockRows * d), Weights, block, blockRows, c, d, resolved);
            for (int i = 0; i < blockRows; i++)
            {
                Span<float> s = block.Slice(i * c, c);
                TensorPrimitives.Add(s, Bias, s);
            }
        }
    }

    /// <summary>Predicted class of each sample: the argmax of its scores (the first one on ties).</summary>
    /// <param name="x">Samples, rows×<see cref="Features"/> row-major.</param>
    /// <param name="predictions">Output, rows classes.</param>
    /// <param name="rows">N, the number of samples.</param>
    /// <param name="path">Which kernels run.</param>
    /// <exception cref="ArgumentException">A span's length does not fit N and D, or <paramref name="predictions"/> overlaps <paramref name="x"/>.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit path this CPU cannot run.</exception>
    public void Predict(ReadOnlySpan<float> x, Span<int> predictions, int rows, KernelPath path = KernelPath.Auto)
    {
        int d = Features, c = Classes, n = rows;
        Require.NonNegative(rows);
        Require.Length(x.Length, Require.Product(rows, d, nameof(rows)), nameof(x));
        Require.Length(predictions.Length, rows, nameof(predictions));
        Require.NoOverlap(x, predictions, nameof(x), nameof(predictions)); // later blocks of x would be read after being overwritten
        KernelPath resolved = KernelPaths.Resolve(path);
        var block = new float[Math.Min(PredictBlockRows, Math.Max(n, 1)) * c];
        for (int r = 0; r < n; r += PredictBlockRows)
        {
            int blockRows = Math.Min(PredictBlockRows, n - r);
            Span<float> scores = block.AsSpan(0, blockRows * c);
            Scores(x.Slice(r * d, blockRows * d), scores, blockRows, resolved);
            for (int i = 0; i < blockRows; i++) predictions[r + i] = TensorPrimitives.IndexOfMax<float>(scores.Slice(i * c, c));
        }
    }

    /// <summary>Predicted class of each sample (see <see cref="Predict(ReadOnlySpan{float}, Span{int}, int, KernelPath)"/>).</summary>
    /// <param name="x">Samples, rows×<see cref="Features"/> row-major.</param>
    /// <param name="rows">N, the number of samples.</param>
    /// <param name="path">Which kernels run.</param>
    /// <returns>N predicted classes.</returns>
    /// <exception cref="ArgumentException">A span's length does not fit N and D.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit path this CPU cannot run.</exception>
    public int[] Predict(ReadOnlySpan<float> x, int rows, KernelPath path = KernelPath.Auto)
    {
        Require.NonNegative(rows);
        var predictions = new int[rows];
        Predict(x, predictions, rows, path);
        return predictions;
    }

    /// <summary>Fraction of the N samples whose predicted class equals the label (0 when N = 0).</summary>
    /// <param name="x">Samples, rows×<see cref="Features"/> row-major.</param>
    /// <param name="labels">The true class of each row, rows values.</param>
    /// <param name="rows">N, the number of samples.</param>
    /// <param name="path">Which kernels run.</param>
    /// <returns>Accuracy in [0, 1].</returns>
    /// <exception cref="ArgumentException">A span's length does not fit N and D.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit path this CPU cannot run.</exception>
    public double Accuracy(ReadOnlySpan<float> x, ReadOnlySpan<int> labels, int rows, KernelPath path = KernelPath.Auto)
    {
        Require.NonNegative(rows);
        Require.Length(labels.Length, rows, nameof(labels));
        int[] predicted = Predict(x, rows, path);
        int correct = 0;
        for (int i = 0; i < rows; i++) if (predicted[i] == labels[i]) correct++;
        return rows == 0 ? 0 : (double)correct / rows;
    }
}
