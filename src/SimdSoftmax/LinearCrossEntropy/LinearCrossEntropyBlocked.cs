using System.Numerics;
using System.Runtime.Intrinsics;

namespace SimdSoftmax;

/// <summary>
/// The row-blocked driver of <see cref="LinearCrossEntropy"/> on validated arguments and a resolved path. Every path runs
/// the same blocks; the path picks the GEMM (<see cref="Gemm.Run"/>) and the cross-entropy rows (the fused SIMD kernels,
/// or <see cref="OptionPlan.Row"/>, the scalar option row in double, on <see cref="KernelPath.Scalar"/> and for the
/// options without SIMD kernels).
/// </summary>
internal static unsafe class LinearCrossEntropyBlocked
{
    /// <summary>Integer labels (<paramref name="labels"/>, N long).</summary>
    public static float Run(KernelPath path, ReadOnlySpan<float> x, ReadOnlySpan<float> w, bool classesByInputs, ReadOnlySpan<float> bias,
        ReadOnlySpan<int> labels, int n, int d, int c, in CrossEntropyOptions options, ReadOnlySpan<float> classWeights,
        Span<float> dW, Span<float> dBias, Span<float> dX, Span<float> workspace, CrossEntropyRowOutputs rowOutputs,
        float regularization, int threads, float gradientFilter) =>
        Run(path, x, w, classesByInputs, bias, labels, default, soft: false, n, d, c, options, classWeights, dW, dBias, dX, workspace,
            rowOutputs, regularization, threads, gradientFilter);

    /// <summary>Labels, or with <paramref name="soft"/> the N×C probability targets <paramref name="targets"/>.</summary>
    public static float Run(KernelPath path, ReadOnlySpan<float> x, ReadOnlySpan<float> w, bool classesByInputs, ReadOnlySpan<float> bias,
        ReadOnlySpan<int> labels, ReadOnlySpan<float> targets, bool soft, int n, int d, int c, in CrossEntropyOptions options,
        ReadOnlySpan<float> classWeights, Span<float> dW, Span<float> dBias, Span<float> dX, Span<float> workspace,
        CrossEntropyRowOutputs rowOutputs, float regularization, int threads, float gradientFilter = 0f)
    {
        double reg = 0.5 * regularization * SumOfSquares(w);
        if (n == 0)
        {
            dW.Clear();
            dBias.Clear();
            AddRegularization(dW, w, regularization);
            return (float)reg;
        }
        var plan = OptionPlan.Create(labels, soft, n, c, options, classWeights);
        bool gradient = !dW.IsEmpty || !dBias.IsEmpty || !dX.IsEmpty;
        bool simdRows = path != KernelPath.Scalar && SoftmaxCrossEntropy.RunsOnPlainKernels(options, soft, rowOutputs);
        int blockRows = Math.Min(n, LinearCrossEntropy.BlockRows(c));
        int ldw = classesByInputs ? d : c;
        double ce = 0, z = 0;
        fixed (int* y = labels)
        fixed (float* t = targets)
        fixed (float* s = workspace)
        {
            for (int i0 = 0; i0 < n; i0 += blockRows)
            {
                int r = Math.Min(blockRows, n - i0);
                Span<float> sBlock = workspace.Slice(0, r * c);
                ReadOnlySpan<float> xBlock = x.Slice(i0 * d, r * d);
                float beta = 0f;
                if (!bias.IsEmpty)
                {
                    for (int i = 0; i < r; i++) bias.CopyTo(sBlock.Slice(i * c, c));
                    beta = 1f;
                }
                // S_B = X_B·W (+ b): W is D×C, or C×D read transposed.
                GemmRowBlock.Run(path, false, classesByInputs, r, c, d, 1f, xBlock, Math.Max(1, d), w, Math.Max(1, ldw), beta, sBlock, c, threads);

                var blockOutputs = new CrossEntropyRowOutputs
                {
                    Losses = rowOutputs.Losses.IsEmpty ? default : rowOutputs.Losses.Slice(i0, r),
                    LogSumExp = rowOutputs.LogSumExp.IsEmpty ? default : rowOutputs.LogSumExp.Slice(i0, r),
                    Argmax = rowOutputs.Argmax.IsEmpty ? default : rowOutputs.Argmax.Slice(i0, r),
                };
                if (simdRows)
                    ce += SimdRows(path, plan, classWeights, s, y + i0, r, c, gradient, blockOutputs.Losses);
                else if (path != KernelPath.Scalar)
                {
                    var (ceB, zB) = SimdOptionRows(path, plan, classWeights, s, soft ? null : y + i0, soft ? t + (nint)i0 * c : null, r, c,
                        gradient, blockOutputs);
                    ce += ceB;
                    z += zB;
                }
                else
                {
                    var (ceB, zB) = ScalarRows(plan, sBlock, soft ? default : labels.Slice(i0, r), soft ? targets.Slice(i0 * c, r * c) : default,
                        r, c, gradient, blockOutputs);
                    ce += ceB;
                    z += zB;
                }
                if (!gradient) continue;

                // sBlock now holds dS_B = ∂L/∂S_B.
                float betaW = i0 == 0 ? 0f : 1f;
                if (gradientFilter > 0f)
                    FilteredBackward(path, classesByInputs, w, ldw, xBlock, sBlock, r, d, c, dW, betaW, dX.IsEmpty ? default : dX.Slice(i0 * d, r * d),
                        (float)(gradientFilter * plan.CeScale), threads);
                else if (!dX.IsEmpty)
                    GemmRowBlock.Run(path, false, !classesByInputs, r, d, c, 1f, sBlock, c, w, Math.Max(1, ldw), 0f, dX.Slice(i0 * d, r * d), Math.Max(1, d), threads);
                if (!dW.IsEmpty && gradientFilter <= 0f)
                {
                    if (classesByInputs) // dW (C×D) += dS_Bᵀ·X_B
                        GemmRowBlock.Run(path, true, false, c, d, r, 1f, sBlock, c, xBlock, Math.Max(1, d), betaW, dW, Math.Max(1, d), threads);
                    else // dW (D×C) += X_Bᵀ·dS_B
                        GemmRowBlock.Run(path, true, false, d, c, r, 1f, xBlock, Math.Max(1, d), sBlock, c, betaW, dW, c, threads);
                }
                if (!dBias.IsEmpty)
                {
                    if (i0 == 0) dBias.Clear();
                    AddRows(dBias, sBlock, r, c);
                }
            }
        }
        AddRegularization(dW, w, regularization);
        return (float)(plan.Reduce(ce, z) + reg);
    }

    /// <summary>
    /// dX_B = dS_B·Wᵀ and dW += X_Bᵀ·dS_B (W's layout) over the class tiles of <c>Tuning.LinearCeFilterTile</c> columns
    /// that hold an entry |dS_ij| ≥ <paramref name="cutoff"/>; the other tiles count as zero (CCE's gradient filtering).
    /// Runs of kept tiles are one GEMM each, in class order, so with nothing filtered the calls and bits are those of
    /// the unfiltered backward, and the result is the same for every thread count. Tiles dropped in the first block
    /// (<paramref name="betaW"/> = 0) have their dW columns cleared.
    /// </summary>
    private static void FilteredBackward(KernelPath path, bool classesByInputs, ReadOnlySpan<float> w, int ldw, ReadOnlySpan<float> xBlock,
        Span<float> sBlock, int r, int d, int c, Span<float> dW, float betaW, Span<float> dXBlock, float cutoff, int threads)
    {
        int tile = Tuning.LinearCeFilterTile;
        bool anyKept = false;
        int j = 0;
        while (j < c)
        {
            int end = j + Math.Min(tile, c - j);
            bool kept = Kept(sBlock, r, c, j, end - j, cutoff);
            while (end < c)
            {
                int next = Math.Min(tile, c - end);
                if (Kept(sBlock, r, c, end, next, cutoff) != kept) break;
                end += next;
            }
            int width = end - j;
            if (kept)
            {
                ReadOnlySpan<float> ds = sBlock.Slice(j, (r - 1) * c + width);
                if (!dXBlock.IsEmpty)
                {
                    // dX_B (+)= dS_B[:, j..end]·W[j..end]ᵀ: W's classes j..end are columns (D×C) or rows (C×D).
                    ReadOnlySpan<float> wPart = classesByInputs ? w.Slice(j * ldw, (width - 1) * ldw + d) : w.Slice(j, (d - 1) * ldw + width);
                    GemmRowBlock.Run(path, false, !classesByInputs, r, d, width, 1f, ds, c, wPart, Math.Max(1, ldw), anyKept ? 1f : 0f,
                        dXBlock, Math.Max(1, d), threads);
                }
                if (!dW.IsEmpty)
                {
                    if (classesByInputs)
                        GemmRowBlock.Run(path, true, false, width, d, r, 1f, ds, c, xBlock, Math.Max(1, d), betaW,
                            dW.Slice(j * d, width * d), Math.Max(1, d), threads);
                    else
                        GemmRowBlock.Run(path, true, false, d, width, r, 1f, xBlock, Math.Max(1, d), ds, c, betaW,
                            dW.Slice(j, (d - 1) * c + width), c, threads);
                }
                anyKept = true;
            }
            else if (betaW == 0f && !dW.IsEmpty)
            {
                if (classesByInputs) dW.Slice(j * d, width * d).Clear();
                else for (int k = 0; k < d; k++) dW.Slice(k * c + j, width).Clear();
            }
            j = end;
        }
        if (!anyKept) dXBlock.Clear();
    }

    /// <summary>Whether columns [j0, j0 + width) of the r×c block hold an entry of magnitude ≥ <paramref name="cutoff"/> (or a NaN).</summary>
    private static bool Kept(ReadOnlySpan<float> s, int r, int c, int j0, int width, float cutoff)
    {
        for (int i = 0; i < r; i++)
        {
            ReadOnlySpan<float> row = s.Slice(i * c + j0, width);
            int k = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var limit = new Vector<float>(cutoff);
                for (; k <= width - Vector<float>.Count; k += Vector<float>.Count)
                {
                    var v = Vector.Abs(new Vector<float>(row.Slice(k)));
                    // !(|v| < cutoff) also keeps NaN.
                    if (!Vector.LessThanAll(v, limit)) return true;
                }
            }
            for (; k < width; k++)
                if (!(Math.Abs(row[k]) < cutoff)) return true;
        }
        return false;
    }

    /// <summary>
    /// The cross-entropy rows of a block on the fused SIMD kernels (no smoothing, z-loss, lse or argmax): runs of counted
    /// rows in one call with the mean's scale; with class weights or per-row losses one call per row, scaled by w[y_i].
    /// Ignored rows get a zero gradient row. Returns Σ of the block's cross-entropy terms.
    /// </summary>
    private static double SimdRows(KernelPath path, in OptionPlan plan, ReadOnlySpan<float> weights, float* s, int* y, int rows, int c,
        bool gradient, Span<float> losses)
    {
        bool perRow = !weights.IsEmpty || !losses.IsEmpty;
        double total = 0;
        int i = 0;
        while (i < rows)
        {
            float* si = s + (nint)i * c;
            if (plan.Ignored(y[i]))
            {
                new Span<float>(si, c).Clear();
                if (!losses.IsEmpty) losses[i] = 0f;
                i++;
                continue;
            }
            int end = i + 1;
            if (!perRow) while (end < rows && !plan.Ignored(y[end])) end++;
            double wy = weights.IsEmpty ? 1.0 : weights[y[i]];
            double sum = SoftmaxCrossEntropy.Rows(path, si, y + i, end - i, c, c, gradient ? si : null, c, (float)(plan.CeScale * wy));
            if (gradient && plan.CeScale == 0) new Span<float>(si, (end - i) * c).Clear();
            double loss = perRow ? wy * sum : sum;
            if (!losses.IsEmpty) losses[i] = (float)loss;
            total += loss;
            i = end;
        }
        return total;
    }

    /// <summary>
    /// The block's rows through the SIMD option row (<see cref="CrossEntropyOptionsRow{T, V}"/>: smoothing, z-loss,
    /// soft targets, lse and argmax, with weights and the ignore index); the gradient in place.
    /// <paramref name="y"/> null: soft targets <paramref name="t"/> (rows × c).
    /// </summary>
    private static (double Ce, double Z) SimdOptionRows(KernelPath path, in OptionPlan plan, ReadOnlySpan<float> weights, float* s, int* y,
        float* t, int rows, int c, bool gradient, CrossEntropyRowOutputs outputs)
    {
        double ce, z;
        fixed (float* w = weights)
        fixed (float* losses = outputs.Losses)
        fixed (float* lse = outputs.LogSumExp)
        fixed (int* argmax = outputs.Argmax)
        {
            var k = new OptionRowConstants(plan, weights.IsEmpty ? null : w);
            float* g = gradient ? s : null;
            ce = path == KernelPath.Avx512
                ? CrossEntropyOptionsRow<Avx512Isa, Vector512<float>>.Run(s, y, t, rows, c, g, losses, lse, argmax, k, out z)
                : CrossEntropyOptionsRow<Avx2Isa, Vector256<float>>.Run(s, y, t, rows, c, g, losses, lse, argmax, k, out z);
        }
        return (ce, z);
    }

    /// <summary>
    /// The block's rows through the scalar option row (every option, in double); the gradient in place. Labels, or
    /// (<paramref name="labels"/> empty) the soft targets <paramref name="targets"/>.
    /// </summary>
    private static (double Ce, double Z) ScalarRows(in OptionPlan plan, Span<float> s, ReadOnlySpan<int> labels, ReadOnlySpan<float> targets,
        int rows, int c, bool gradient, CrossEntropyRowOutputs outputs)
    {
        double ce = 0, z = 0;
        for (int i = 0; i < rows; i++)
        {
            Span<float> row = s.Slice(i * c, c);
            var (ceRow, zRow) = labels.IsEmpty
                ? plan.Row(row, 0, targets.Slice(i * c, c), gradient ? row : default, out float lse, out int argmax)
                : plan.Row(row, labels[i], default, gradient ? row : default, out lse, out argmax);
            ce += ceRow;
            z += zRow;
            if (!outputs.Losses.IsEmpty) outputs.Losses[i] = (float)(ceRow + zRow);
            if (!outputs.LogSumExp.IsEmpty) outputs.LogSumExp[i] = lse;
            if (!outputs.Argmax.IsEmpty) outputs.Argmax[i] = argmax;
        }
        return (ce, z);
    }

    /// <summary>db += Σ_i row_i, rows in order (element-wise adds: the same bits at every vector width).</summary>
    private static void AddRows(Span<float> db, ReadOnlySpan<float> rows, int r, int c)
    {
        for (int i = 0; i < r; i++)
        {
            ReadOnlySpan<float> row = rows.Slice(i * c, c);
            int j = 0;
            if (Vector.IsHardwareAccelerated)
            {
                for (; j <= c - Vector<float>.Count; j += Vector<float>.Count)
                    (new Vector<float>(db.Slice(j)) + new Vector<float>(row.Slice(j))).CopyTo(db.Slice(j));
            }
            for (; j < c; j++) db[j] += row[j];
        }
    }

    /// <summary>dW += reg·W element-wise (a multiply then an add, the same bits at every vector width).</summary>
    private static void AddRegularization(Span<float> dW, ReadOnlySpan<float> w, float regularization)
    {
        if (dW.IsEmpty) return;
        int k = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var r = new Vector<float>(regularization);
            for (; k <= dW.Length - Vector<float>.Count; k += Vector<float>.Count)
                (new Vector<float>(dW.Slice(k)) + r * new Vector<float>(w.Slice(k))).CopyTo(dW.Slice(k));
        }
        for (; k < dW.Length; k++) dW[k] += regularization * w[k];
    }

    /// <summary>ΣW² in double over 4 interleaved partial sums (a fixed order, whatever the hardware).</summary>
    private static double SumOfSquares(ReadOnlySpan<float> w)
    {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int k = 0;
        for (; k <= w.Length - 4; k += 4)
        {
            s0 += (double)w[k] * w[k];
            s1 += (double)w[k + 1] * w[k + 1];
            s2 += (double)w[k + 2] * w[k + 2];
            s3 += (double)w[k + 3] * w[k + 3];
        }
        for (; k < w.Length; k++) s0 += (double)w[k] * w[k];
        return (s0 + s1) + (s2 + s3);
    }
}
