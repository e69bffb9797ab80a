namespace SimdSoftmax;

/// <summary>
/// The SVM reference: CS231n's <c>svm_loss_naive</c> translated loop for loop (one sample at a time: its scores, then
/// each wrong class's margin, adding x_i to that class's column of dW and subtracting it from the true class's).
/// </summary>
internal static class SvmScalar
{
    /// <summary>
    /// One row's hinge terms; writes the gradient times <paramref name="scale"/> into <paramref name="grad"/> unless it
    /// is empty (it may be <paramref name="s"/>: s_y is read first and each s_j before g_j is written).
    /// </summary>
    public static double RowLoss(ReadOnlySpan<float> s, int label, Span<float> grad, float scale)
    {
        float correct = s[label];
        double loss = 0;
        int positive = 0;
        for (int j = 0; j < s.Length; j++)
        {
            if (j == label) continue;
            float margin = s[j] - correct + MulticlassSvm.Margin;
            bool counted = margin > 0;
            if (counted)
            {
                loss += margin;
                positive++;
            }
            else if (float.IsNaN(margin))
            {
                loss += margin; // the course's `if margin > 0` would silently drop a NaN
            }
            if (!grad.IsEmpty) grad[j] = counted ? scale : 0f;
        }
        if (!grad.IsEmpty) grad[label] = -(positive * scale);
        return loss;
    }

    public static float Logits(ReadOnlySpan<float> scores, ReadOnlySpan<int> labels, int classes, Span<float> dScores, bool gradient)
    {
        int n = labels.Length;
        if (n == 0) return 0f;
        float scale = (float)(1.0 / n);
        double total = 0;
        for (int i = 0; i < n; i++)
            total += RowLoss(scores.Slice(i * classes, classes), labels[i], gradient ? dScores.Slice(i * classes, classes) : default, scale);
        return (float)(total / n);
    }

    /// <summary>The classifier, sample by sample; <paramref name="workspace"/> holds one row of C scores.</summary>
    public static float Classifier(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, ReadOnlySpan<int> y,
        int n, int d, int c, float reg, Span<float> dW, Span<float> db, Span<float> workspace, bool hasBias)
    {
        dW.Clear();
        if (hasBias) db.Clear();
        Span<float> scores = n == 0 ? default : workspace.Slice(0, c);
        float scale = n == 0 ? 0f : (float)(1.0 / n);
        double loss = 0;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> xi = x.Slice(i * d, d);
            for (int j = 0; j < c; j++)
            {
                float s = hasBias ? b[j] : 0f;
                for (int p = 0; p < d; p++) s += xi[p] * w[p * c + j];
                scores[j] = s;
            }
            loss += RowLoss(scores, y[i], scores, scale); // scores becomes dS_i in place
            for (int p = 0; p < d; p++)
            {
                float xip = xi[p];
                Span<float> dWp = dW.Slice(p * c, c);
                for (int j = 0; j < c; j++) dWp[j] += scores[j] * xip;
            }
            if (hasBias) for (int j = 0; j < c; j++) db[j] += scores[j];
        }
        double reg2 = 0;
        for (int k = 0; k < w.Length; k++)
        {
            reg2 += (double)w[k] * w[k];
            dW[k] += reg * w[k];
        }
        double dataLoss = n == 0 ? 0 : loss / n;
        return (float)(dataLoss + 0.5 * reg * reg2);
    }
}
