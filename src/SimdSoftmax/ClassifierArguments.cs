namespace SimdSoftmax;

/// <summary>
/// The argument checks every linear-classifier loss (softmax, multiclass SVM) makes at its public boundary, in one
/// place so the families reject the same calls with the same parameter names. <see cref="Shape"/> comes first (the
/// caller then sizes its workspace from the checked shape), <see cref="Spans"/> second; nothing is written before both.
/// </summary>
internal static class ClassifierArguments
{
    /// <summary>Checks threads and the sizes (N, D, C ≥ 0, a class when there are samples, D·C and N·D within int).</summary>
    public static void Shape(int n, int d, int c, int threads)
    {
        Require.NonNegative(threads);
        Require.NonNegative(n);
        Require.NonNegative(d);
        Require.NonNegative(c);
        if (c == 0 && n > 0) throw new ArgumentOutOfRangeException(nameof(c), c, "There must be at least one class when there are samples.");
        Require.Product(d, c, nameof(c));
        Require.Product(n, d, nameof(d));
    }

    /// <summary>Checks span lengths, reg, that no output overlaps an input or another output, and the labels.</summary>
    public static void Spans(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, ReadOnlySpan<int> y,
        int n, int d, int c, float reg, Span<float> dW, Span<float> db, Span<float> workspace, int workspaceLength, bool hasBias)
    {
        int dc = d * c, nd = n * d;
        Require.Length(w.Length, dc, nameof(w));
        Require.Length(x.Length, nd, nameof(x));
        Require.Length(y.Length, n, nameof(y));
        Require.Length(dW.Length, dc, nameof(dW));
        if (hasBias)
        {
            Require.Length(b.Length, c, nameof(b));
            Require.Length(db.Length, c, nameof(db));
        }
        Require.AtLeast(workspace.Length, workspaceLength, nameof(workspace));
        Require.FiniteNonNegative(reg, nameof(reg));
        Require.NoOverlap(w, dW, nameof(w), nameof(dW));
        Require.NoOverlap(x, dW, nameof(x), nameof(dW));
        Require.NoOverlap(y, dW, nameof(y), nameof(dW));
        Require.NoOverlap(b, dW, nameof(b), nameof(dW));
        Require.NoOverlap(w, db, nameof(w), nameof(db));
        Require.NoOverlap(x, db, nameof(x), nameof(db));
        Require.NoOverlap(y, db, nameof(y), nameof(db));
        Require.NoOverlap(b, db, nameof(b), nameof(db));
        Require.NoOverlap(dW, db, nameof(dW), nameof(db));
        Require.NoOverlap(w, workspace, nameof(w), nameof(workspace));
        Require.NoOverlap(x, workspace, nameof(x), nameof(workspace));
        Require.NoOverlap(y, workspace, nameof(y), nameof(workspace));
        Require.NoOverlap(b, workspace, nameof(b), nameof(workspace));
        Require.NoOverlap(dW, workspace, nameof(dW), nameof(workspace));
        Require.NoOverlap(db, workspace, nameof(db), nameof(workspace));
        Require.Labels(y, c, nameof(y));
    }
}
