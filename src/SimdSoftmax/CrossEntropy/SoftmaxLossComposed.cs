namespace SimdSoftmax;

/// <summary>
/// The composed classifier (<see cref="ClassifierForm.Composed"/>): GEMM <c>S = X·W (+ b)</c> into the workspace,
/// fused cross-entropy in place (<c>S → dS = (P − onehot)/N</c>), GEMM <c>dW = Xᵀ·dS + reg·W</c> (W copied into dW,
/// then beta = reg). Reads X twice and keeps N×C scores; wins when C is large and the GEMMs are compute-bound.
/// <c>reg·W</c> is IEEE arithmetic like the scalar and fused forms (docs/guarantees.md): with reg = 0 the GEMM's
/// beta = 0 would never read dW, so 0·W is added after it and a non-finite W still gives NaN.
/// </summary>
internal static unsafe class SoftmaxLossComposed
{
    /// <summary>
    /// Test seam: when set on the calling thread, the two GEMMs run on this path instead of the classifier's
    /// (lets the composed form be tested on the scalar GEMM before the SIMD GEMM exists). Never set in production code.
    /// </summary>
    [ThreadStatic] internal static KernelPath? GemmPathOverride;

    public static long WorkspaceLength(int n, int c) => (long)n * c;

    public static float Run(KernelPath path, ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, ReadOnlySpan<int> y,
        int n, int d, int c, float reg, Span<float> dW, Span<float> db, Span<float> workspace, bool hasBias, int threads)
    {
        if (n == 0) return EmptyBatch(w, reg, dW, db, hasBias);
        KernelPath gemmPath = GemmPathOverride ?? path;
        Span<float> s = workspace.Slice(0, n * c);
        float beta = 0f;
        if (hasBias)
        {
            for (int i = 0; i < n; i++) b.CopyTo(s.Slice(i * c, c));
            beta = 1f;
        }
        Gemm.Run(gemmPath, false, false, n, c, d, 1f, x, Math.Max(1, d), w, Math.Max(1, c), beta, s, Math.Max(1, c), threads);
        double total;
        fixed (float* ps = s)
        fixed (int* py = y)
            total = SoftmaxCrossEntropy.Rows(path, ps, py, n, c, c, ps, c, (float)(1.0 / n));
        if (hasBias)
        {
            db.Clear();
            for (int i = 0; i < n; i++)
            {
                ReadOnlySpan<float> row = s.Slice(i * c, c);
                for (int j = 0; j < c; j++) db[j] += row[j];
            }
        }
        double reg2 = SumOfSquares(w);
        if (reg != 0f)
        {
            w.CopyTo(dW);
            Gemm.Run(gemmPath, true, false, d, c, n, 1f, x, Math.Max(1, d), s, Math.Max(1, c), reg, dW, Math.Max(1, c), threads);
        }
        else
        {
            Gemm.Run(gemmPath, true, false, d, c, n, 1f, x, Math.Max(1, d), s, Math.Max(1, c), 0f, dW, Math.Max(1, c), threads);
            for (int k = 0; k < dW.Length; k++) dW[k] += reg * w[k];
        }
        return (float)(total / n + 0.5 * reg * reg2);
    }

    /// <summary>N = 0: loss ½·reg·ΣW², dW = reg·W, db = 0 (as the reference).</summary>
    public static float EmptyBatch(ReadOnlySpan<float> w, float reg, Span<float> dW, Span<float> db, bool hasBias)
    {
        for (int k = 0; k < w.Length; k++) dW[k] = reg * w[k];
        if (hasBias) db.Clear();
        return (float)(0.5 * reg * SumOfSquares(w));
    }

    private static double SumOfSquares(ReadOnlySpan<float> w)
    {
        double sum = 0;
        foreach (float v in w) sum += (double)v * v;
        return sum;
    }
}
