using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// The fused single-pass linear classifier (<see cref="ClassifierForm.Fused"/>): X is
/// walked once, in blocks of <see cref="BlockRows"/> rows sized to stay in L2. Per block: scores <c>S_blk = X_blk·W (+ b)</c>
/// by the forward microkernel over D in chunks whose packed Wᵀ stays in L1; the row loss <c>L</c>
/// (<see cref="IClassifierRowLoss{K}"/>: cross-entropy, hinge) turns S_blk into <c>dS_blk</c> in place; the backward
/// microkernel adds <c>X_blkᵀ·dS_blk</c> into this lane's packed dWᵀ while X_blk is still in L2. The N×C scores are never
/// materialized. The softmax classifier is <c>Run&lt;K, CrossEntropyRowLoss&lt;K&gt;&gt;</c>, the SVM
/// <c>Run&lt;K, HingeRowLoss&lt;K&gt;&gt;</c>: the same blocking, lanes and reduction order, so each keeps the results it
/// had with a copy of its own.
/// </summary>
/// <remarks>
/// <para>Layouts. C is padded to Cp (a multiple of the class tile) and D to Dp (a multiple of two vectors) with zero
/// weights. Packed Wᵀ and each dWᵀ partial: for each class tile t and each vector block v of D, the tile's classes'
/// vector of D are contiguous: element (class j, feature p) is at
/// <c>((j / CT)·(Dp / VW) + p / VW)·CT·VW + (j % CT)·VW + p % VW</c>, so the microkernels load at constant displacements.</para>
/// <para>Threads and determinism. Rows are split into <see cref="Lanes"/> contiguous lanes, a number that depends only on
/// N (never on the thread count). Each lane has its own dWᵀ/db partial and loss in the workspace; lanes are reduced in
/// lane order. Any thread count therefore gives bit-identical results.</para>
/// <para>Workspace (floats): packed Wᵀ Cp·Dp, then per lane dWᵀ Cp·Dp, db Cp, forward partials BlockRows·Cp·16 and
/// scores BlockRows·Cp, then the dX streaming scratch (16·Dp, two groups of rows). It does not grow with N once N ≥ <see cref="MaxLanes"/>·<see cref="RowsPerLane"/>.</para>
/// </remarks>
internal static unsafe class SoftmaxLossFused
{
    /// <summary>Upper bound on lanes (and so on useful threads).</summary>
    public const int MaxLanes = Tuning.ClassifierMaxLanes;
    /// <summary>A lane gets at least this many rows, so small batches keep a single partial.</summary>
    public const int RowsPerLane = Tuning.ClassifierRowsPerLane;
    private const int MaxClassTile = 10, MaxWidth = 16;
    private const int BlockBytes = Tuning.ClassifierBlockBytes;
    private const int ScratchRows = InputGradientTile<Avx2Isa, Vector256<float>>.ScratchRows;
    private const int ChunkBytes = Tuning.ClassifierChunkBytes;

    public static int Lanes(int n) => n == 0 ? 0 : Math.Min(MaxLanes, (n + RowsPerLane - 1) / RowsPerLane);

    /// <summary>Rows per block (even, 8..64): as many rows of X as fit in <see cref="BlockBytes"/>.</summary>
    public static int BlockRows(int d) => Math.Clamp(BlockBytes / (4 * Math.Max(1, d)), 8, 64) & ~1;

    private static int RoundUp(int v, int m) => (v + m - 1) / m * m;

    /// <summary>Workspace floats for either ISA (sized with the widest vector and tile).</summary>
    public static long WorkspaceLength(int n, int d, int c)
    {
        if (n == 0) return 0;
        long cp = RoundUp(c, MaxClassTile), dp = RoundUp(d, 2 * MaxWidth), b = BlockRows(d);
        return cp * dp + Lanes(n) * (cp * dp + cp + b * cp * MaxWidth + b * cp + ScratchRows * dp);
    }

    private struct Job
    {
        public float* W, Bias, X, Packed, Work, DX, ClassWeights, RowLosses;
        public int* Y;
        public double* LaneLoss;
        public int N, D, C, Cp, Dp, NVec, NTiles, Block, KcVec, Lanes, IgnoreIndex;
        public long LaneStride;
        public float Scale;
        /// <summary>The loss is Σ (weighted) row losses / LossDivisor (0: the loss is 0, every row weighs nothing).</summary>
        public double LossDivisor;
        /// <summary>Row i's gradient scale is w[y_i]·GradientScale (ignored rows: 0).</summary>
        public double GradientScale;
        public bool HasBias, HasIgnore, PerRow, StreamDx;
    }

    /// <summary>
    /// The cross-entropy options the fused pass takes: reduction, ignore index, class weights, per-row losses. Each
    /// counted row's cross-entropy step is scaled by <c>w[y_i]</c> over the mean's divisor (computed from the labels
    /// before the pass); the rest (smoothing, z-loss, log-sum-exp and argmax outputs, soft targets) runs composed.
    /// </summary>
    public ref struct Options
    {
        public CrossEntropyReduction Reduction;
        public int? IgnoreIndex;
        public ReadOnlySpan<float> ClassWeights;
        public Span<float> RowLosses;
        public Span<float> DX;

        /// <summary>Options, weights and row outputs the fused pass can run (all else goes to the composed form).</summary>
        public static bool Supports(in CrossEntropyOptions options, in CrossEntropyRowOutputs rowOutputs) =>
            options.LabelSmoothing == 0f && options.ZLoss == 0f && rowOutputs.LogSumExp.IsEmpty && rowOutputs.Argmax.IsEmpty;
    }

    /// <summary>The classifier on validated arguments with the row loss <typeparamref name="L"/>, the default options and no dX.</summary>
    public static float Run<K, L>(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, ReadOnlySpan<int> y,
        int n, int d, int c, float reg, Span<float> dW, Span<float> db, Span<float> workspace, bool hasBias, int threads)
        where K : struct, IFusedClassifierKernels
        where L : struct, IClassifierRowLoss<K> =>
        Run<K, L>(w, b, x, y, n, d, c, reg, default, dW, db, workspace, hasBias, threads);

    /// <summary>
    /// The classifier on validated arguments, with the ISA's tiles <typeparamref name="K"/>, the row loss
    /// <typeparamref name="L"/> and the <paramref name="options"/> <see cref="Options.Supports"/> accepts (<c>default</c>:
    /// today's mean over all rows, no dX; options other than the default are cross-entropy's and need
    /// <see cref="CrossEntropyRowLoss{K}"/>).
    /// </summary>
    public static float Run<K, L>(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, ReadOnlySpan<int> y,
        int n, int d, int c, float reg, Options options, Span<float> dW, Span<float> db, Span<float> workspace, bool hasBias, int threads)
        where K : struct, IFusedClassifierKernels
        where L : struct, IClassifierRowLoss<K>
    {
        if (n == 0) return SoftmaxLossComposed.EmptyBatch(w, reg, dW, db, hasBias);
        int vw = K.Width, ct = K.ClassifierClassTile;
        int cp = RoundUp(c, ct), dp = RoundUp(d, 2 * vw), block = BlockRows(d), lanes = Lanes(n);
        var job = new Job
        {
            N = n, D = d, C = c, Cp = cp, Dp = dp, NVec = dp / vw, NTiles = cp / ct, Block = block, Lanes = lanes,
            KcVec = Math.Max(1, ChunkBytes / (4 * cp * vw)),
            LaneStride = (long)cp * dp + cp + (long)block * cp * vw + (long)block * cp + (long)ScratchRows * dp,
            Scale = (float)(1.0 / n), HasBias = hasBias, LossDivisor = n, GradientScale = 1.0 / n,
            HasIgnore = options.IgnoreIndex is not null, IgnoreIndex = options.IgnoreIndex ?? 0,
            PerRow = options.IgnoreIndex is not null || !options.ClassWeights.IsEmpty || !options.RowLosses.IsEmpty,
        };
        if (options.Reduction != CrossEntropyReduction.Mean)
        {
            job.Scale = 1f; job.LossDivisor = 1; job.GradientScale = 1;
        }
        else if (job.PerRow)
        {
            double divisor = 0;
            for (int i = 0; i < n; i++)
                if (!job.HasIgnore || y[i] != job.IgnoreIndex) divisor += options.ClassWeights.IsEmpty ? 1 : options.ClassWeights[y[i]];
            job.LossDivisor = divisor;
            job.GradientScale = divisor == 0 ? 0 : 1 / divisor;
        }
        Debug.Assert((long)cp * dp + lanes * job.LaneStride <= workspace.Length);
        double* laneLoss = stackalloc double[MaxLanes];
        fixed (float* pw = w, pb = b, px = x, pws = workspace, pdW = dW, pdb = db, pdX = options.DX, pcw = options.ClassWeights, prl = options.RowLosses)
        fixed (int* py = y)
        {
            job.W = pw; job.Bias = pb; job.X = px; job.Y = py; job.Packed = pws; job.Work = pws + (long)cp * dp; job.LaneLoss = laneLoss;
            job.DX = d == 0 ? null : pdX; job.ClassWeights = pcw; job.RowLosses = prl;
            // A dX as large as the softmax outputs that are streamed (the same thresholds) bypasses the cache.
            job.StreamDx = (long)n * d >= Tuning.StreamingMinFloats && d >= Tuning.StreamingMinCols;
            PackWeights<K>(in job);
            int t = threads == 0 ? AutoThreads(n, d, c) : threads;
            t = Math.Min(t, lanes);
            if (t <= 1)
            {
                for (int lane = 0; lane < lanes; lane++) RunLane<K, L>(in job, lane);
            }
            else
            {
                Job shared = job;
                Parallel.For(0, lanes, new ParallelOptions { MaxDegreeOfParallelism = t }, lane => RunLane<K, L>(in shared, lane));
            }
            return Finish<K>(in job, reg, pdW, pdb);
        }
    }

    /// <summary>0 = auto: every core (up to the lanes) once the work is worth a thread hand-off (≥ ~50 MFLOP), else one.</summary>
    private static int AutoThreads(int n, int d, int c) =>
        4.0 * n * d * c >= 50e6 ? Environment.ProcessorCount : 1;

    /// <summary>
    /// W (D×C) → packed Wᵀ, zero in the padding: each packed vector is 8 features of one class, a stride-C gather
    /// (masked past D, so nothing outside W is read).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackWeights<K>(in Job job) where K : struct, IFusedClassifierKernels
    {
        int vw = K.Width, ct = K.ClassifierClassTile, c = job.C, d = job.D;
        float* dst = job.Packed;
        Vector256<int> rowOffsets = Vector256<int>.Indices * c;
        for (int t = 0; t < job.NTiles; t++)
            for (int v = 0; v < job.NVec; v++)
                for (int jj = 0; jj < ct; jj++)
                {
                    int j = t * ct + jj;
                    for (int h = 0; h < vw; h += 8)
                    {
                        int p0 = v * vw + h;
                        Vector256<float> g = Vector256<float>.Zero;
                        if (j < c && p0 < d)
                        {
                            float* src = job.W + (nint)p0 * c + j;
                            g = p0 + 8 <= d
                                ? Avx2.GatherVector256(src, rowOffsets, 4)
                                : Avx2.GatherMaskVector256(Vector256<float>.Zero, src, rowOffsets,
                                    Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(d - p0)).AsSingle(), 4);
                        }
                        g.Store(dst + h);
                    }
                    dst += vw;
                }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunLane<K, L>(in Job job, int lane) where K : struct, IFusedClassifierKernels where L : struct, IClassifierRowLoss<K>
    {
        int vw = K.Width, ct = K.ClassifierClassTile;
        int n = job.N, d = job.D, cp = job.Cp, nTiles = job.NTiles, nVec = job.NVec;
        int start = (int)((long)lane * n / job.Lanes), end = (int)((long)(lane + 1) * n / job.Lanes);
        float* dwt = job.Work + lane * job.LaneStride;
        float* dbl = dwt + (long)cp * job.Dp;
        float* part = dbl + cp;
        float* s = part + (long)job.Block * cp * vw;
        float* dxScratch = job.StreamDx ? s + (long)job.Block * cp : null;
        new Span<float>(dbl, cp).Clear();
        double loss = 0;
        bool firstBlock = true;
        int tileVectors = 2 * ct;
        for (int r0 = start; r0 < end; r0 += job.Block)
        {
            int rows = Math.Min(job.Block, end - r0);
            float* xb = job.X + (long)r0 * d;

            // Software prefetch of the next block into L2, one step of the stride per microkernel loop step, so the
            // stream from memory is spread evenly over both passes of this block instead of stalling the forward pass.
            int nextRows = Math.Min(job.Block, end - r0 - rows);
            // The pointer never reaches pfEnd, so even a zero-stride prefetch stays on a row of X this lane reads.
            byte* pf = (byte*)(xb + (long)rows * d), pfEnd = pf + (long)nextRows * d * 4;
            if (nextRows <= 0 || d == 0) pf = pfEnd = (byte*)xb;
            long steps = 0;
            for (int k0 = 0; k0 < d; k0 += job.KcVec * vw) steps += Math.Min(job.KcVec * vw, d - k0) / vw;
            steps = steps * ((rows + 1) / 2) * nTiles + (long)((nVec + 1) / 2) * rows * nTiles;
            nint pfStep = steps == 0 || nextRows == 0 ? 0 : (nint)Math.Min(64, ((pfEnd - pf + steps - 1) / steps + 15) & ~15L);
            // Forward: partial dot products per (row pair, class tile), chunk of D by chunk so packed Wᵀ stays in L1.
            if (d > 0)
            {
                for (int kv0 = 0; kv0 * vw < d; kv0 += job.KcVec)
                {
                    int k0 = kv0 * vw;
                    int count = Math.Min(job.KcVec * vw, d - k0);
                    float* wChunk = job.Packed + (long)kv0 * ct * vw;
                    for (int q = 0; q < rows; q += 2)
                    {
                        float* x0 = xb + (long)q * d + k0;
                        float* x1 = q + 1 < rows ? x0 + d : x0; // odd last row: computed twice, second copy ignored
                        float* pq = part + (long)(q / 2) * nTiles * tileVectors * vw;
                        for (int t = 0; t < nTiles; t++)
                        {
                            nint callStep = pf + (long)(count / vw) * pfStep < pfEnd ? pfStep : 0;
                            K.ClassifierScores(x0, x1, wChunk + (long)t * nVec * ct * vw, count, pq + (long)t * tileVectors * vw, kv0 == 0, pf, callStep);
                            pf += (count / vw) * callStep;
                        }
                    }
                }
                ReduceScores<K>(part, s, rows, cp, nTiles);
            }
            else
            {
                new Span<float>(s, rows * cp).Clear();
            }
            if (job.HasBias)
                for (int i = 0; i < rows; i++)
                    for (int j = 0; j < job.C; j++) s[(long)i * cp + j] += job.Bias[j];

            // The row loss in place: S_blk becomes dS_blk (padding classes keep their zero scores); per-row options are cross-entropy's.
            loss += job.PerRow ? CrossEntropyRowByRow<K>(in job, s, r0, rows) : L.Rows(s, job.Y + r0, rows, job.C, cp, s, cp, job.Scale);
            if (job.HasBias)
                for (int i = 0; i < rows; i++)
                    for (int j = 0; j < job.C; j++) dbl[j] += s[(long)i * cp + j];

            // Backward: dWᵀ += dS_blkᵀ·X_blk while X_blk is still in L2.
            for (int v = 0; v < nVec; v += 2)
            {
                int count = d - v * vw;
                for (int t = 0; t < nTiles; t++)
                {
                    nint callStep = pf + (long)rows * pfStep < pfEnd ? pfStep : 0;
                    K.ClassifierGradient(xb + v * vw, d, rows, s + t * ct, cp, dwt + ((long)t * nVec + v) * ct * vw, count, firstBlock, pf, callStep);
                    pf += rows * callStep;
                }
            }

            // Input gradient dX_blk = dS_blk·Wᵀ while dS_blk is in L1 and packed Wᵀ in L1/L2, so dX is written once. After
            // the backward pass: dX_blk is as large as X_blk, and writing it earlier would evict X_blk from L2 before the
            // backward pass reads it again.
            if (job.DX != null) K.ClassifierInputGradient(s, cp, rows, job.C, job.Packed, nVec, job.DX + (long)r0 * d, d, d, dxScratch);
            firstBlock = false;
        }
        job.LaneLoss[lane] = loss;
    }

    /// <summary>
    /// The cross-entropy step with options, one row at a time: an ignored row's dS is zeroed and it adds nothing; a
    /// counted row runs the ISA's one-row kernel scaled by <c>w[y_i]·GradientScale</c> and adds <c>w[y_i]·ℓ_i</c> (also its
    /// row loss output). O(N·C) against the tiles' O(N·D·C), so the per-row calls are not worth blocking.
    /// </summary>
    private static double CrossEntropyRowByRow<K>(in Job job, float* s, int r0, int rows) where K : struct, IFusedClassifierKernels
    {
        double loss = 0;
        for (int i = 0; i < rows; i++)
        {
            float* row = s + (long)i * job.Cp;
            int label = job.Y[r0 + i];
            double rowLoss = 0;
            if (job.HasIgnore && label == job.IgnoreIndex)
                new Span<float>(row, job.C).Clear();
            else
            {
                double weight = job.ClassWeights == null ? 1 : job.ClassWeights[label];
                rowLoss = weight * K.CrossEntropyRow(row, label, job.C, row, (float)(weight * job.GradientScale));
            }
            if (job.RowLosses != null) job.RowLosses[r0 + i] = (float)rowLoss;
            loss += rowLoss;
        }
        return loss;
    }

    /// <summary>
    /// Turns the forward partials (vector order: row pair, class tile, row of the pair, class) into the block's scores
    /// S_blk (row-major, stride <paramref name="cp"/>): <see cref="IFusedClassifierKernels.Width"/> vectors per reduction
    /// tree. With one class tile the vector order is already S_blk's order, so the sums land in place; otherwise they
    /// are written over the partials they came from (group g's sums overwrite vector g, already read) and then copied.
    /// An odd last row's twin (a copy of the row) goes to row <paramref name="rows"/>, which exists because blocks are even.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ReduceScores<K>(float* part, float* s, int rows, int cp, int nTiles) where K : struct, IFusedClassifierKernels
    {
        int vw = K.Width, ct = K.ClassifierClassTile, pairs = (rows + 1) / 2;
        long vectors = (long)pairs * 2 * cp;
        float* sums = nTiles == 1 ? s : part;
        long e = 0;
        for (; e + vw <= vectors; e += vw) K.ClassifierSumsOfWidth(part + e * vw, sums + e);
        for (; e < vectors; e++) sums[e] = K.ClassifierSumAt(part + e * vw);
        if (nTiles == 1) return;
        for (int pair = 0; pair < pairs; pair++)
            for (int t = 0; t < nTiles; t++)
                for (int r = 0; r < 2; r++)
                {
                    float* src = part + (long)pair * 2 * cp + t * 2 * ct + r * ct;
                    float* dst = s + (long)(2 * pair + r) * cp + t * ct;
                    for (int jj = 0; jj < ct; jj++) dst[jj] = src[jj];
                }
    }

    /// <summary>
    /// Reduces the lanes in lane order into dW (+ reg·W) and db, and adds ½·reg·ΣW² to the mean loss. Each row of dW (the C
    /// classes of one feature) is read from the packed layout while that vector block of D is in L1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Finish<K>(in Job job, float reg, float* dW, float* db) where K : struct, IFusedClassifierKernels
    {
        int vw = K.Width, ct = K.ClassifierClassTile, c = job.C, d = job.D;
        long partial = (long)job.Cp * job.Dp;
        float* first = job.Work;
        for (int lane = 1; lane < job.Lanes; lane++)
        {
            float* other = job.Work + lane * job.LaneStride;
            long k = 0;
            for (; k + 8 <= partial + job.Cp; k += 8) (Vector256.Load(first + k) + Vector256.Load(other + k)).Store(first + k);
            for (; k < partial + job.Cp; k++) first[k] += other[k];
        }
        // dW = partial + reg·W, feature by feature: the packed block of a vector of D (CT classes × VW features per tile) is
        // in L1 while its VW rows of dW are written, in plain scalar loads and stores (the 8-class gathers and masked
        // stores this replaced cost more than the rest of a small batch's pass).
        for (int v = 0; v < job.NVec; v++)
            for (int h = 0, p = v * vw; h < vw && p < d; h++, p++)
            {
                float* wRow = job.W + (long)p * c;
                float* dRow = dW + (long)p * c;
                for (int t = 0, j = 0; t < job.NTiles; t++)
                {
                    float* src = first + ((long)t * job.NVec + v) * ct * vw + h;
                    for (int jj = 0; jj < ct && j < c; jj++, j++) dRow[j] = src[jj * vw] + reg * wRow[j];
                }
            }
        // ½·reg·ΣW² in double, 8 classes per vector (masked past C).
        Vector256<double> sq = Vector256<double>.Zero;
        for (int j0 = 0; j0 < c; j0 += 8)
        {
            int count = Math.Min(8, c - j0);
            Vector256<float> mask = Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(count)).AsSingle();
            for (int p = 0; p < d; p++)
            {
                float* wRow = job.W + (long)p * c + j0;
                Vector256<float> wv = count == 8 ? Vector256.Load(wRow) : Avx.MaskLoad(wRow, mask);
                sq += Avx.ConvertToVector256Double(wv.GetLower()) * Avx.ConvertToVector256Double(wv.GetLower())
                    + Avx.ConvertToVector256Double(wv.GetUpper()) * Avx.ConvertToVector256Double(wv.GetUpper());
            }
        }
        double reg2 = Vector256.Sum(sq);
        if (job.HasBias)
            for (int j = 0; j < c; j++) db[j] = first[partial + j];
        double loss = 0;
        for (int lane = 0; lane < job.Lanes; lane++) loss += job.LaneLoss[lane];
        return (float)((job.LossDivisor == 0 ? 0 : loss / job.LossDivisor) + 0.5 * reg * reg2);
    }
}
