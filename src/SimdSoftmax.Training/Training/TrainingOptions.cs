namespace SimdSoftmax;

/// <summary>Minibatch SGD settings for <see cref="SoftmaxClassifier.Train"/>. The defaults are tuned for MNIST pixels in [0, 1].</summary>
public sealed record TrainingOptions
{
    /// <summary>Step size of SGD: <c>W −= LearningRate·dW</c>. Finite and ≥ 0.</summary>
    public float LearningRate { get; init; } = 1f;

    /// <summary>L2 regularization strength: adds ½·reg·ΣW² to the loss (the bias is not regularized). Finite and ≥ 0.</summary>
    public float Regularization { get; init; } = 1e-4f;

    /// <summary>Number of SGD steps when <see cref="Epochs"/> is 0. At least 0.</summary>
    public int Iterations { get; init; } = 2000;

    /// <summary>When &gt; 0, overrides <see cref="Iterations"/> with ⌈Epochs·N / BatchSize⌉ steps. Finite and ≥ 0.</summary>
    public double Epochs { get; init; }

    /// <summary>Samples per step (clamped to N). At least 1.</summary>
    public int BatchSize { get; init; } = 200;

    /// <summary>Seed of the sample order. The same seed, data, starting weights and path give bit-identical weights.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// Whether the order of samples is a fresh seeded permutation every epoch (the default) or the stored order.
    /// Either way a batch takes the next <see cref="BatchSize"/> samples, wrapping into the next epoch, so every step
    /// sees exactly <see cref="BatchSize"/> samples. Without shuffling, a batch that does not wrap is read in place
    /// instead of being gathered into the batch buffer (same numbers, less memory traffic): pre-shuffle the data once
    /// and turn this off for the fastest steps.
    /// </summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Factor applied to the learning rate after each epoch (⌈N / BatchSize⌉ steps); 1 means no decay. In (0, 1]. The default 0.8 lets a
    /// large first step (1.0) settle: on MNIST it is worth about +0.2% test accuracy over a constant rate.</summary>
    public float LearningRateDecay { get; init; } = 0.8f;

    /// <summary>The loss minimized: softmax cross-entropy (the default) or the multiclass SVM hinge loss. Both use ½·reg·ΣW².</summary>
    public ClassifierLoss Loss { get; init; } = ClassifierLoss.Softmax;

    /// <summary>Which kernels compute the loss, the gradient and the predictions.</summary>
    public KernelPath Path { get; init; } = KernelPath.Auto;

    /// <summary>
    /// Threads each step's loss kernel may use (<see cref="SoftmaxLoss"/>'s <c>threads</c>). The default 1 keeps a step on the
    /// calling thread and allocation-free; more threads give bit-identical results (the kernel's lanes do not depend on the
    /// thread count) but each step then allocates a little. At least 1.
    /// </summary>
    public int Threads { get; init; } = 1;

    /// <summary>Called after every step with the step index (from 0) and that step's minibatch loss. Keep it cheap.</summary>
    public Action<int, float>? Progress { get; init; }

    internal void Validate()
    {
        if (!float.IsFinite(LearningRate) || LearningRate < 0)
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "Must be a finite number ≥ 0.");
        Require.FiniteNonNegative(Regularization, nameof(Regularization));
        if (Iterations < 0) throw new ArgumentOutOfRangeException(nameof(Iterations), Iterations, "Must be ≥ 0.");
        if (!double.IsFinite(Epochs) || Epochs < 0) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "Must be a finite number ≥ 0.");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "Must be ≥ 1.");
        if (!(LearningRateDecay > 0 && LearningRateDecay <= 1))
            throw new ArgumentOutOfRangeException(nameof(LearningRateDecay), LearningRateDecay, "Must be in (0, 1].");
        if (Threads < 1) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "Must be ≥ 1.");
        if (!Enum.IsDefined(Loss)) throw new ArgumentOutOfRangeException(nameof(Loss), Loss, "Not a defined ClassifierLoss value.");
        if (!Enum.IsDefined(Path)) throw new ArgumentOutOfRangeException(nameof(Path), Path, "Not a defined KernelPath value.");
    }
}

/// <summary>What <see cref="SoftmaxClassifier.Train"/> did.</summary>
/// <param name="Iterations">Steps taken (fewer than planned when the loss diverged).</param>
/// <param name="FinalLoss">Minibatch loss of the last step (NaN when no step ran).</param>
/// <param name="Diverged">Whether training stopped because the loss became NaN or infinite (the learning rate is too high).</param>
/// <param name="Elapsed">Wall time of the steps (excluding setup).</param>
public sealed record TrainingResult(int Iterations, float FinalLoss, bool Diverged, TimeSpan Elapsed)
{
    /// <summary>Mean wall time per step.</summary>
    public TimeSpan TimePerIteration => Iterations == 0 ? TimeSpan.Zero : Elapsed / Iterations;
}
