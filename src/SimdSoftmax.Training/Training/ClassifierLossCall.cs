namespace SimdSoftmax;

/// <summary>
/// The one place the training code calls <see cref="SoftmaxLoss"/>: its workspace size and its loss + gradient with bias.
/// When the kernel's signature grows (a loss form, a thread count), only these two lines change.
/// </summary>
internal static class ClassifierLossCall
{
    /// <remarks>The workspace does not depend on the thread count (the kernel splits rows into lanes that depend only on N).</remarks>
    public static int WorkspaceLength(int n, int d, int c, int threads)
    {
        _ = threads;
        return SoftmaxLoss.WorkspaceLength(n, d, c);
    }

    public static float LossAndGradient(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, ReadOnlySpan<int> y,
        int n, int d, int c, float reg, Span<float> dW, Span<float> db, Span<float> workspace, KernelPath path, int threads)
    {
        return SoftmaxLoss.LossAndGradient(w, b, x, y, n, d, c, reg, dW, db, workspace, path, SoftmaxLossForm.Auto, threads);
    }
}
