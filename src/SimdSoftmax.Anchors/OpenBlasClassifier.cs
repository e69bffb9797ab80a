namespace SimdSoftmax.Anchors;

public static partial class OpenBlas
{
    /// <summary>
    /// The classifier's loss and gradient composed as a .NET user with OpenBLAS would write it — what
    /// <see cref="ClassifierForm.Composed"/> does, with <c>cblas_sgemm</c> for both GEMMs and our cross-entropy in between:
    /// S = X·W, loss and dS = (P − onehot)/N in place, dW = Xᵀ·dS + reg·W. The anchor for the fused kernel.
    /// </summary>
    /// <param name="w">W, D×C.</param>
    /// <param name="x">X, N×D.</param>
    /// <param name="y">Labels, N values in [0, C).</param>
    /// <param name="n">N.</param>
    /// <param name="d">D.</param>
    /// <param name="c">C.</param>
    /// <param name="reg">Regularization strength (½·reg·ΣW² convention).</param>
    /// <param name="dW">Output gradient, D×C.</param>
    /// <param name="workspace">At least N·C floats for the scores.</param>
    /// <returns>The loss.</returns>
    public static float ClassifierLossAndGradient(float[] w, float[] x, int[] y, int n, int d, int c, float reg, float[] dW, float[] workspace)
    {
        Span<float> s = workspace.AsSpan(0, n * c);
        Sgemm(false, false, n, c, d, 1f, x, d, w, c, 0f, s, c);
        float loss = SoftmaxCrossEntropy.LossAndGradient(s, y, s, c);
        double reg2 = 0;
        foreach (float v in w) reg2 += (double)v * v;
        w.AsSpan().CopyTo(dW);
        Sgemm(true, false, d, c, n, 1f, x, d, s, c, reg, dW, c);
        return (float)(loss + 0.5 * reg * reg2);
    }
}
