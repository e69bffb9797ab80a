namespace SimdSoftmax;

/// <summary>
/// The argument checks every linear-classifier loss (softmax, multiclass SVM) makes at its public boundary, in one
/// place so the families reject the same calls with the same parameter names. <see cref="Shape"/> comes first (the
/// caller then sizes its workspace from the checked shape), <see cref="Spans"/> second; nothing is written before both.
/// </summary>
internal static class ClassifierArguments
{
    /// <summary>Checks the options, threads and the sizes (≥ 0, a class when there are rows, features·classes and rows·features within int).</summary>
    public static void Shape(int rows, int features, int classes, in ClassifierOptions options, int threads)
    {
        options.Validate(nameof(options));
        Require.NonNegative(threads);
        Require.NonNegative(rows);
        Require.NonNegative(features);
        Require.NonNegative(classes);
        if (classes == 0 && rows > 0) throw new ArgumentOutOfRangeException(nameof(classes), classes, "There must be at least one class when there are rows.");
        Require.Product(features, classes, nameof(classes));
        Require.Product(rows, features, nameof(features));
    }

    /// <summary>Checks span lengths, that no output overlaps an input or another output, and the labels.</summary>
    public static void Spans(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, ReadOnlySpan<int> labels,
        Span<float> dW, Span<float> dBias, Span<float> workspace, int rows, int features, int classes, int workspaceLength, bool hasBias)
    {
        int fc = features * classes, rf = rows * features;
        Require.Length(x.Length, rf, nameof(x));
        Require.Length(w.Length, fc, nameof(w));
        if (hasBias) Require.Length(bias.Length, classes, nameof(bias));
        Require.Length(labels.Length, rows, nameof(labels));
        Require.Length(dW.Length, fc, nameof(dW));
        if (hasBias) Require.Length(dBias.Length, classes, nameof(dBias));
        Require.AtLeast(workspace.Length, workspaceLength, nameof(workspace));
        Require.NoOverlap(x, dW, nameof(x), nameof(dW));
        Require.NoOverlap(w, dW, nameof(w), nameof(dW));
        Require.NoOverlap(bias, dW, nameof(bias), nameof(dW));
        Require.NoOverlap(labels, dW, nameof(labels), nameof(dW));
        Require.NoOverlap(x, dBias, nameof(x), nameof(dBias));
        Require.NoOverlap(w, dBias, nameof(w), nameof(dBias));
        Require.NoOverlap(bias, dBias, nameof(bias), nameof(dBias));
        Require.NoOverlap(labels, dBias, nameof(labels), nameof(dBias));
        Require.NoOverlap(dW, dBias, nameof(dW), nameof(dBias));
        Require.NoOverlap(x, workspace, nameof(x), nameof(workspace));
        Require.NoOverlap(w, workspace, nameof(w), nameof(workspace));
        Require.NoOverlap(bias, workspace, nameof(bias), nameof(workspace));
        Require.NoOverlap(labels, workspace, nameof(labels), nameof(workspace));
        Require.NoOverlap(dW, workspace, nameof(dW), nameof(workspace));
        Require.NoOverlap(dBias, workspace, nameof(dBias), nameof(workspace));
        Require.Labels(labels, classes, nameof(labels));
    }
}
