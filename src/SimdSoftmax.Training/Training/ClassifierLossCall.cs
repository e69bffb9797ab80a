namespace SimdSoftmax;

/// <summary>
/// The one place the training code calls <see cref="SoftmaxLoss"/> or <see cref="SvmLoss"/>: workspace size and loss + gradient with bias.
/// When the kernel's signature grows (a loss form, a thread count), only these two lines change.
/// </summary>
internal static class ClassifierLossCall
{
    /// <remarks>The workspace does not depend on the thread count (the kernel splits rows into lanes that depend only on N).</remarks>
    public static int WorkspaceLength(int n, int d, int c, int threads, ClassifierLoss loss = ClassifierLoss.Softmax)
    {
        _ = threads;
        return loss == ClassifierLoss.Svm ? SvmLoss.WorkspaceLength(n, d, c) : SoftmaxLoss.WorkspaceLength(n, d, c);
    }

    public static float LossAndGradient(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, ReadOnlySpan<int> y,
        int n, int d, int c, float reg, Span<float> dW, Span<float> db, Span<float> workspace, KernelPath path, int threads,
        ClassifierLoss loss = ClassifierLoss.Softmax)
    {
        if (loss == ClassifierLoss.Svm)
            return SvmLoss.LossAndGradient(w, b, x, y, n, d, c, reg, dW, db, workspace, path, SvmLossForm.Auto, threads);
        return SoftmaxLoss.LossAndGradient(w, b, x, y, n, d, c, reg, dW, db, workspace, path, SoftmaxLossForm.Auto, threads);
    }
}
