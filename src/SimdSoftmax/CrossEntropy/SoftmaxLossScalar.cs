namespace SimdSoftmax;

/// <summary>
/// The reference classifier loss: CS231n's <c>softmax_loss_naive</c> translated loop for loop
/// (one sample at a time: its scores, their softmax, then the rank-1 update of dW), with the
/// loss term in the stable log-sum-exp form.
/// </summary>
internal static class SoftmaxLossScalar
{
    public static float Run(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, ReadOnlySpan<int> y,
        int n, int d, int c, float reg, Span<float> dW, Span<float> db, Span<float> workspace, bool hasBias)
    {
        dW.Clear();
        if (hasBias) db.Clear();
        Span<float> scores = n == 0 ? default : workspace.Slice(0, c);
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
            // scores becomes (p − onehot(y_i)) / N in place.
            loss += SoftmaxCrossEntropyScalar.RowLoss(scores, y[i], scores, 1.0 / n);
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
