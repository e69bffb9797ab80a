namespace SimdSoftmax;

/// <summary>The reference cross-entropy on logits: per row, max, Σexp in double, then loss term and gradient.</summary>
internal static class SoftmaxCrossEntropyScalar
{
    public static float Run(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int classes, Span<float> dLogits, bool gradient)
    {
        int n = labels.Length;
        if (n == 0) return 0f;
        double total = 0;
        double invN = 1.0 / n;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> s = logits.Slice(i * classes, classes);
            total += RowLoss(s, labels[i], gradient ? dLogits.Slice(i * classes, classes) : default, invN);
        }
        return (float)(total * invN);
    }

    /// <summary>
    /// One row: returns <c>log Σ exp(s − max) − (s[y] − max)</c>; when <paramref name="grad"/> is not empty writes
    /// <c>(p − onehot(y))·scale</c> into it (it may be <paramref name="s"/> itself).
    /// </summary>
    public static double RowLoss(ReadOnlySpan<float> s, int label, Span<float> grad, double scale)
    {
        float max = SoftmaxScalar.RowMax(s);
        double sum = 0;
        for (int j = 0; j < s.Length; j++) sum += MathF.Exp(s[j] - max);
        double loss = Math.Log(sum) - ((double)s[label] - max);
        if (!grad.IsEmpty)
        {
            for (int j = 0; j < s.Length; j++)
            {
                double p = MathF.Exp(s[j] - max) / sum;
                grad[j] = (float)((p - (j == label ? 1.0 : 0.0)) * scale);
            }
        }
        return loss;
    }
}
