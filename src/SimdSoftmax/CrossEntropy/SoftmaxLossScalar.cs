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

/// <summary>
/// The reference classifier with cross-entropy options and dX: per sample, its scores (as <see cref="SoftmaxLossScalar"/>),
/// the option row of <see cref="OptionPlan"/> turning them into <c>dS_i = ∂L/∂s_i</c> in place, then the rank-1 update
/// of dW, db += dS_i and <c>dX_i = dS_i·Wᵀ</c>. W is D×C.
/// </summary>
internal static class SoftmaxLossScalarOptions
{
    public static float Run(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, ReadOnlySpan<int> y,
        ReadOnlySpan<float> targets, bool soft, int n, int d, int c, float reg, in CrossEntropyOptions options,
        ReadOnlySpan<float> classWeights, Span<float> dW, Span<float> db, Span<float> dX, Span<float> workspace,
        CrossEntropyRowOutputs rowOutputs)
    {
        bool hasBias = !b.IsEmpty;
        dW.Clear();
        db.Clear();
        double ce = 0, z = 0;
        if (n > 0)
        {
            var plan = OptionPlan.Create(y, soft, n, c, options, classWeights);
            Span<float> scores = workspace.Slice(0, c);
            for (int i = 0; i < n; i++)
            {
                ReadOnlySpan<float> xi = x.Slice(i * d, d);
                for (int j = 0; j < c; j++)
                {
                    float s = hasBias ? b[j] : 0f;
                    for (int p = 0; p < d; p++) s += xi[p] * w[p * c + j];
                    scores[j] = s;
                }
                var (ceRow, zRow) = plan.Row(scores, soft ? -1 : y[i], soft ? targets.Slice(i * c, c) : default, scores,
                    out float lse, out int argmax);
                ce += ceRow;
                z += zRow;
                if (!rowOutputs.Losses.IsEmpty) rowOutputs.Losses[i] = (float)(ceRow + zRow);
                if (!rowOutputs.LogSumExp.IsEmpty) rowOutputs.LogSumExp[i] = lse;
                if (!rowOutputs.Argmax.IsEmpty) rowOutputs.Argmax[i] = argmax;
                for (int p = 0; p < d; p++)
                {
                    float xip = xi[p];
                    Span<float> dWp = dW.Slice(p * c, c);
                    for (int j = 0; j < c; j++) dWp[j] += scores[j] * xip;
                }
                if (hasBias) for (int j = 0; j < c; j++) db[j] += scores[j];
                if (!dX.IsEmpty)
                {
                    Span<float> dXi = dX.Slice(i * d, d);
                    for (int p = 0; p < d; p++)
                    {
                        float acc = 0f;
                        ReadOnlySpan<float> wp = w.Slice(p * c, c);
                        for (int j = 0; j < c; j++) acc += scores[j] * wp[j];
                        dXi[p] = acc;
                    }
                }
            }
            ce = plan.Reduce(ce, z);
        }
        double reg2 = 0;
        for (int k = 0; k < w.Length; k++)
        {
            reg2 += (double)w[k] * w[k];
            dW[k] += reg * w[k];
        }
        return (float)(ce + 0.5 * reg * reg2);
    }
}
