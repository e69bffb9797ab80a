namespace SimdSoftmax;

/// <summary>
/// The one place the training code calls <see cref="SoftmaxLoss"/> or <see cref="SvmLoss"/>: workspace size and loss + gradient with bias.
/// When the kernel's signature grows (a loss form, a thread count), only these two lines change.
/// </summary>
internal static class ClassifierLossCall
{
    /// <remarks>The workspace does not depend on the thread count (the kernel splits rows into lanes that depend only on N).</remarks>
    public static int WorkspaceLength(int rows, int features, int classes, int threads, ClassifierLoss loss = ClassifierLoss.Softmax)
    {
        _ = threads;
        return loss == ClassifierLoss.Svm ? SvmLoss.WorkspaceLength(rows, features, classes) : SoftmaxLoss.WorkspaceLength(rows, features, classes);
    }

    public static float LossAndGradient(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, ReadOnlySpan<int> labels,
        Span<float> dW, Span<float> dBias, Span<float> workspace, int rows, int features, int classes, float regularization,
        KernelPath path, int threads, ClassifierLoss loss = ClassifierLoss.Softmax)
    {
        var options = new ClassifierOptions { Regularization = regularization };
        if (loss == ClassifierLoss.Svm)
            return SvmLoss.LossAndGradient(x, w, bias, labels, dW, dBias, workspace, rows, features, classes, options, path, threads);
        return SoftmaxLoss.LossAndGradient(x, w, bias, labels, dW, dBias, workspace, rows, features, classes, options, path, threads);
    }
}
