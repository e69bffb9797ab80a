namespace SimdSoftmax;

/// <summary>
/// The composed SVM classifier (<see cref="ClassifierForm.Composed"/>): GEMM <c>S = X·W (+ b)</c> into the workspace, the
/// hinge in place (<c>S → dS</c>), GEMM <c>dW = Xᵀ·dS + reg·W</c> (W copied into dW, then beta = reg).
/// </summary>
internal static unsafe class SvmLossComposed
{
    public static float Run<TIsa>(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, ReadOnlySpan<int> y,
        int n, int d, int c, float reg, Span<float> dW, Span<float> db, Span<float> workspace, bool hasBias, int threads)
        where TIsa : struct, ISvmIsa
    {
        if (n == 0) return EmptyBatch(w, reg, dW, db, hasBias);
        Span<float> s = workspace.Slice(0, n * c);
        float beta = 0f;
        if (hasBias)
        {
            for (int i = 0; i < n; i++) b.CopyTo(s.Slice(i * c, c));
            beta = 1f;
        }
        Gemm.Run(TIsa.Path, false, false, n, c, d, 1f, x, Math.Max(1, d), w, Math.Max(1, c), beta, s, Math.Max(1, c), threads);
        double total;
        fixed (float* ps = s)
        fixed (int* py = y)
            total = MulticlassSvm.Rows<TIsa>(ps, py, n, c, c, ps, c, (float)(1.0 / n));
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
        w.CopyTo(dW);
        Gemm.Run(TIsa.Path, true, false, d, c, n, 1f, x, Math.Max(1, d), s, Math.Max(1, c), reg, dW, Math.Max(1, c), threads);
        return (float)(total / n + 0.5 * reg * reg2);
    }

    /// <summary>N = 0: loss ½·reg·ΣW², dW = reg·W, db = 0 (as the reference).</summary>
    public static float EmptyBatch(ReadOnlySpan<float> w, float reg, Span<float> dW, Span<float> db, bool hasBias)
    {
        for (int k = 0; k < w.Length; k++) dW[k] = reg * w[k];
        if (hasBias) db.Clear();
        return (float)(0.5 * reg * SumOfSquares(w));
    }

    public static double SumOfSquares(ReadOnlySpan<float> w)
    {
        double sum = 0;
        foreach (float v in w) sum += (double)v * v;
        return sum;
    }
}
