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
        if (n == 0)
        {
            dW.Clear();
            dBias.Clear();
            return (float)(0.5 * regularization * Regularize(w, dW, regularization, threads == 0 ? 1 : threads));
        }
        var plan = OptionPlan.Create(labels, soft, n, c, options, classWeights);
        bool gradient = !dW.IsEmpty || !dBias.IsEmpty || !dX.IsEmpty;
        bool simdRows = path != KernelPath.Scalar && SoftmaxCrossEntropy.RunsOnPlainKernels(options, soft, rowOutputs);
        int blockRows = Math.Min(n, LinearCrossEntropy.BlockRows(c));
        int ldw = classesByInputs ? d : c;
        int workers = threads != 0 ? threads
            : 2L * blockRows * c * d >= Tuning.GemmParallelThresholdFlops ? Environment.ProcessorCount : 1;
        double ce = 0, z = 0;
        int ceChunks = (blockRows + Tuning.LinearCeRowChunk - 1) / Tuning.LinearCeRowChunk;
        double* partial = stackalloc double[2 * ceChunks];
        fixed (int* y = labels)
        fixed (float* t = targets)
        fixed (float* s = workspace)
        fixed (float* px = x)
        fixed (float* pw = w)
        fixed (float* pb = bias)
        fixed (float* pdw = dW)
        fixed (float* pdb = dBias)
        fixed (float* pdx = dX)
        fixed (float* pcw = classWeights)
        fixed (float* losses = rowOutputs.Losses)
        fixed (float* lse = rowOutputs.LogSumExp)
        fixed (int* argmax = rowOutputs.Argmax)
        {
            var k = new OptionRowConstants(plan, classWeights.IsEmpty ? null : pcw);
            for (int i0 = 0; i0 < n; i0 += blockRows)
            {
                int r = Math.Min(blockRows, n - i0);
                Span<float> sBlock = workspace.Slice(0, r * c);
                ReadOnlySpan<float> xBlock = x.Slice(i0 * d, r * d);
                float* xb = px + (nint)i0 * d;

                // S_B = X_B·W (+ b): W is D×C, or C×D read transposed; each part copies the bias into its own slab first.
                var forward = new BlockGemm
                {
                    Path = path, TransB = classesByInputs, M = r, N = c, K = d, A = xb, Lda = Math.Max(1, d), B = pw, Ldb = Math.Max(1, ldw),
                    Beta = bias.IsEmpty ? 0f : 1f, C = s, Ldc = c, Bias = pb, Threads = workers,
                };
                forward.MaxParts = workers;
                RowChunks.Run(forward, forward.Count, workers);

                if (path == KernelPath.Scalar)
                {
                    var blockOutputs = new CrossEntropyRowOutputs
                    {
                        Losses = rowOutputs.Losses.IsEmpty ? default : rowOutputs.Losses.Slice(i0, r),
                        LogSumExp = rowOutputs.LogSumExp.IsEmpty ? default : rowOutputs.LogSumExp.Slice(i0, r),
                        Argmax = rowOutputs.Argmax.IsEmpty ? default : rowOutputs.Argmax.Slice(i0, r),
                    };
                    var (ceB, zB) = ScalarRows(plan, sBlock, soft ? default : labels.Slice(i0, r), soft ? targets.Slice(i0 * c, r * c) : default,
                        r, c, gradient, blockOutputs);
                    ce += ceB;
                    z += zB;
                }
                else
                {
                    // The rows in chunks fixed by the shape, their sums added in chunk order: the same bits for every thread count.
                    var rows = new CeChunk
                    {
                        Path = path, Plain = simdRows, Gradient = gradient, K = k, S = s, Y = soft ? null : y + i0, T = soft ? t + (nint)i0 * c : null,
                        Rows = r, C = c, Losses = losses == null ? null : losses + i0, Lse = lse == null ? null : lse + i0,
                        Argmax = argmax == null ? null : argmax + i0, Partial = partial,
                    };
                    int chunks = (r + Tuning.LinearCeRowChunk - 1) / Tuning.LinearCeRowChunk;
                    RowChunks.Run(rows, chunks, workers);
                    for (int q = 0; q < chunks; q++)
                    {
                        ce += partial[2 * q];
                        z += partial[2 * q + 1];
                    }
                }
                if (!gradient) continue;

                // sBlock now holds dS_B = ∂L/∂S_B.
                float betaW = i0 == 0 ? 0f : 1f;
                if (gradientFilter > 0f)
                {
                    FilteredBackward(path, classesByInputs, w, ldw, xBlock, sBlock, r, d, c, dW, betaW, dX.IsEmpty ? default : dX.Slice(i0 * d, r * d),
                        (float)(gradientFilter * plan.CeScale), workers);
                    if (!dBias.IsEmpty)
                    {
                        if (i0 == 0) dBias.Clear();
                        AddRows(dBias, sBlock, r, c, c);
                    }
                    continue;
                }
                // dX_B = dS_B·Wᵀ, dW (+)= X_Bᵀ·dS_B (D×C) or dS_Bᵀ·X_B (C×D), dBias (+)= Σ rows of dS_B: disjoint outputs,
                // their parts claimed by the threads in any order.
                var back = new Backward
                {
                    DX = new BlockGemm
                    {
                        Path = path, TransB = !classesByInputs, M = dX.IsEmpty ? 0 : r, N = d, K = c, A = s, Lda = c, B = pw, Ldb = Math.Max(1, ldw),
                        C = pdx + (nint)i0 * d, Ldc = Math.Max(1, d), Threads = workers,
                    },
                    DW = classesByInputs
                        ? new BlockGemm
                        {
                            Path = path, TransA = true, M = dW.IsEmpty ? 0 : c, N = d, K = r, A = s, Lda = c, B = xb, Ldb = Math.Max(1, d),
                            Beta = betaW, C = pdw, Ldc = Math.Max(1, d), Threads = workers,
                        }
                        : new BlockGemm
                        {
                            Path = path, TransA = true, M = dW.IsEmpty ? 0 : d, N = c, K = r, A = xb, Lda = Math.Max(1, d), B = s, Ldb = c,
                            Beta = betaW, C = pdw, Ldc = c, Threads = workers,
                        },
                    DBias = pdb, S = s, Rows = r, C = c, ClearBias = i0 == 0,
                    Streamed = !dX.IsEmpty && !classesByInputs && r <= Tuning.LinearCeStreamedWMaxRows && GemmRowBlockStreamedW.Applies(path, r, d, c),
                    SDX = new StreamedDX
                    {
                        Path = path, R = r, D = d, C = c, DS = s, W = pw, RsW = classesByInputs ? 1 : ldw, CsW = classesByInputs ? ldw : 1,
                        DX = pdx + (nint)i0 * d, Lddx = Math.Max(1, d),
                    },
                };
                back.Plan(workers);
                RowChunks.Run(back, back.Count, workers);
            }
        }
        double reg = 0.5 * regularization * Regularize(w, dW, regularization, workers);
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
    /// One multiply of a row block cut into parts (<see cref="GemmRowBlock.Parts"/>) for the threads, or, when the
    /// multiply is delegated to <see cref="Gemm.Run"/> (one part), run with <see cref="Threads"/> there. M = 0 is no
    /// multiply (an output not asked for). With <see cref="Bias"/>, each part first copies the bias into its slab of C.
    /// </summary>
    private struct BlockGemm : IRowChunkWork
    {
        public KernelPath Path;
        public bool TransA, TransB;
        public int M, N, K, MaxParts, Threads;
        public float* A, B, C, Bias;
        public nint Lda, Ldb, Ldc;
        public float Beta;

        public readonly int Count => M == 0 ? 0 : GemmRowBlock.Parts(Path, M, N, K, 1f, MaxParts);

        public readonly void Run(int part) =>
            GemmRowBlock.RunPart(Path, TransA, TransB, M, N, K, 1f, A, Lda, B, Ldb, Beta, C, Ldc, part, MaxParts, Threads, Bias);
    }

    /// <summary>dX_B = dS_B·op(W) on <see cref="GemmRowBlockStreamedW"/> (W read in place), cut into feature slabs.</summary>
    private struct StreamedDX
    {
        public KernelPath Path;
        public int R, D, C, MaxParts;
        public float* DS, W, DX;
        public nint RsW, CsW, Lddx;

        public readonly int Count => GemmRowBlockStreamedW.Parts(Path, D, MaxParts);

        public readonly void Run(int part) =>
            GemmRowBlockStreamedW.RunPart(Path, R, D, C, DS, C, W, RsW, CsW, DX, Lddx, part, MaxParts);
    }

    /// <summary>The backward of a row block: the parts of dW, then of dX, then the column slabs of dBias.</summary>
    private struct Backward : IRowChunkWork
    {
        public BlockGemm DW, DX;
        public StreamedDX SDX;
        public float* DBias, S;
        public int Rows, C, BiasParts, Count;
        public bool ClearBias, Streamed;
        private int _dwParts, _dxParts;

        public void Plan(int workers)
        {
            DW.MaxParts = workers;
            DX.MaxParts = workers;
            SDX.MaxParts = workers;
            _dwParts = DW.Count;
            _dxParts = Streamed ? SDX.Count : DX.Count;
            BiasParts = DBias == null ? 0 : Math.Clamp(workers, 1, Math.Max(1, C / 256));
            Count = _dwParts + _dxParts + BiasParts;
        }

        public readonly void Run(int chunk)
        {
            if (chunk < _dwParts) DW.Run(chunk);
            else if (chunk < _dwParts + _dxParts)
            {
                if (Streamed) SDX.Run(chunk - _dwParts);
                else DX.Run(chunk - _dwParts);
            }
            else
            {
                int part = chunk - _dwParts - _dxParts;
                int j0 = C * part / BiasParts, j1 = C * (part + 1) / BiasParts;
                var db = new Span<float>(DBias + j0, j1 - j0);
                if (ClearBias) db.Clear();
                AddRows(db, new ReadOnlySpan<float>(S + j0, (Rows - 1) * C + j1 - j0), Rows, j1 - j0, C);
            }
        }
    }

    /// <summary>
    /// A chunk of <c>Tuning.LinearCeRowChunk</c> rows of a block through the fused SIMD rows (<see cref="SimdRows"/>) or the
    /// SIMD option rows; the gradient in place; its cross-entropy and z-loss sums into <see cref="Partial"/>[2·chunk..].
    /// </summary>
    private struct CeChunk : IRowChunkWork
    {
        public KernelPath Path;
        public bool Plain, Gradient;
        public OptionRowConstants K;
        public float* S, T, Losses, Lse;
        public int* Y, Argmax;
        public int Rows, C;
        public double* Partial;

        public readonly void Run(int chunk)
        {
            int i0 = chunk * Tuning.LinearCeRowChunk, r = Math.Min(Tuning.LinearCeRowChunk, Rows - i0);
            float* s = S + (nint)i0 * C;
            double ce, z = 0;
            if (Plain)
                ce = SimdRows(Path, K, s, Y + i0, r, C, Gradient, Losses == null ? null : Losses + i0);
            else
            {
                int* y = Y == null ? null : Y + i0;
                float* t = T == null ? null : T + (nint)i0 * C;
                float* g = Gradient ? s : null;
                float* losses = Losses == null ? null : Losses + i0, lse = Lse == null ? null : Lse + i0;
                int* argmax = Argmax == null ? null : Argmax + i0;
                ce = Path == KernelPath.Avx512
                    ? CrossEntropyOptionsRow<Avx512Isa, Vector512<float>>.Run(s, y, t, r, C, g, losses, lse, argmax, K, out z)
                    : CrossEntropyOptionsRow<Avx2Isa, Vector256<float>>.Run(s, y, t, r, C, g, losses, lse, argmax, K, out z);
            }
            Partial[2 * chunk] = ce;
            Partial[2 * chunk + 1] = z;
        }
    }

    /// <summary>
    /// The cross-entropy rows on the fused SIMD kernels (no smoothing, z-loss, lse or argmax): runs of counted
    /// rows in one call with the mean's scale; with class weights or per-row losses one call per row, scaled by w[y_i].
    /// Ignored rows get a zero gradient row. Returns Σ of the rows' cross-entropy terms.
    /// </summary>
    private static double SimdRows(KernelPath path, in OptionRowConstants k, float* s, int* y, int rows, int c, bool gradient, float* losses)
    {
        bool perRow = k.Weights != null || losses != null;
        double total = 0;
        int i = 0;
        while (i < rows)
        {
            float* si = s + (nint)i * c;
            if (k.HasIgnore && y[i] == k.IgnoreIndex)
            {
                new Span<float>(si, c).Clear();
                if (losses != null) losses[i] = 0f;
                i++;
                continue;
            }
            int end = i + 1;
            if (!perRow) while (end < rows && !(k.HasIgnore && y[end] == k.IgnoreIndex)) end++;
            double wy = k.Weights == null ? 1.0 : k.Weights[y[i]];
            double sum = SoftmaxCrossEntropy.Rows(path, si, y + i, end - i, c, c, gradient ? si : null, c, (float)(k.CeScale * wy));
            if (gradient && k.CeScale == 0) new Span<float>(si, (end - i) * c).Clear();
            double loss = perRow ? wy * sum : sum;
            if (losses != null) losses[i] = (float)loss;
            total += loss;
            i = end;
        }
        return total;
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

    /// <summary>db += Σ_i row_i (c floats each, ld apart), rows in order (element-wise adds: the same bits at every vector width and column cut).</summary>
    private static void AddRows(Span<float> db, ReadOnlySpan<float> rows, int r, int c, int ld)
    {
        for (int i = 0; i < r; i++)
        {
            ReadOnlySpan<float> row = rows.Slice(i * ld, c);
            int j = 0;
            if (Vector.IsHardwareAccelerated)
            {
                for (; j <= c - Vector<float>.Count; j += Vector<float>.Count)
                    (new Vector<float>(db.Slice(j)) + new Vector<float>(row.Slice(j))).CopyTo(db.Slice(j));
            }
            for (; j < c; j++) db[j] += row[j];
        }
    }

    /// <summary>
    /// dW += reg·W (when dW is asked for) and ΣW², in one pass over W split into chunks fixed by its length (at most
    /// <see cref="RowChunks.MaxChunks"/>), their sums added in chunk order: the same bits for every thread count.
    /// </summary>
    private static double Regularize(ReadOnlySpan<float> w, Span<float> dW, float regularization, int workers)
    {
        if (w.IsEmpty) return 0;
        int chunkLength = Math.Max(RowChunks.MinChunkFloats, (w.Length + RowChunks.MaxChunks - 1) / RowChunks.MaxChunks);
        int chunks = (w.Length + chunkLength - 1) / chunkLength;
        double* partial = stackalloc double[chunks];
        fixed (float* pw = w)
        fixed (float* pdw = dW)
        {
            var work = new RegularizeChunk { W = pw, DW = pdw, Length = w.Length, ChunkLength = chunkLength, Regularization = regularization, Partial = partial };
            RowChunks.Run(work, chunks, Math.Min(workers, chunks));
        }
        double sum = 0;
        for (int q = 0; q < chunks; q++) sum += partial[q];
        return sum;
    }

    private struct RegularizeChunk : IRowChunkWork
    {
        public float* W, DW;
        public int Length, ChunkLength;
        public float Regularization;
        public double* Partial;

        public readonly void Run(int chunk)
        {
            int k0 = chunk * ChunkLength, length = Math.Min(ChunkLength, Length - k0);
            Partial[chunk] = SumOfSquares(W + k0, length);
            if (DW != null) AddRegularization(DW + k0, W + k0, length, Regularization);
        }
    }

    /// <summary>dW += reg·W element-wise (a multiply then an add, the same bits at every vector width).</summary>
    private static void AddRegularization(float* dW, float* w, int length, float regularization)
    {
        int k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var r = Vector256.Create(regularization);
            for (; k <= length - 8; k += 8)
                (Vector256.Load(dW + k) + r * Vector256.Load(w + k)).Store(dW + k);
        }
        for (; k < length; k++) dW[k] += regularization * w[k];
    }

    /// <summary>
    /// ΣW² in double over 8 interleaved partial sums (element k into sum k mod 8), combined in a fixed tree: the same
    /// order with or without vectors (a float's square is exact in double).
    /// </summary>
    private static double SumOfSquares(float* w, int length)
    {
        int k = 0;
        double total;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<double> lo = Vector256<double>.Zero, hi = Vector256<double>.Zero;
            for (; k <= length - 8; k += 8)
            {
                var (a, b) = Vector256.Widen(Vector256.Load(w + k));
                lo += a * a;
                hi += b * b;
            }
            Span<double> s = stackalloc double[8];
            lo.CopyTo(s);
            hi.CopyTo(s.Slice(4));
            for (int j = 0; k < length; k++, j++) s[j] += (double)w[k] * w[k];
            total = Combine(s);
        }
        else
        {
            Span<double> s = stackalloc double[8];
            for (; k <= length - 8; k += 8)
                for (int j = 0; j < 8; j++) s[j] += (double)w[k + j] * w[k + j];
            for (int j = 0; k < length; k++, j++) s[j] += (double)w[k] * w[k];
            total = Combine(s);
        }
        return total;

        static double Combine(Span<double> s) => ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
    }
}
