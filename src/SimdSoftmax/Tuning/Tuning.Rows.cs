namespace SimdSoftmax;

/// <summary>Row-length thresholds of the row families (softmax, log-softmax, cross-entropy on logits).</summary>
internal static partial class Tuning
{
    /// <summary>
    /// Longest row the transposed short-row kernels take, on both ISAs: their tile holds 64 columns, and up to there
    /// they beat the per-row kernels. AMD EPYC Zen 4, 64 KB batches, <c>softmax-sweep threshold [log]</c>, G el/s short vs
    /// row pipeline — AVX2 softmax 41: 1.75 vs 1.36, 48: a tie, 63: 1.85 vs 1.38; AVX-512 short rows win 17–57; at 64
    /// the pipeline wins AVX-512 softmax (2.06 vs 1.85) but loses log-softmax (1.56 vs 1.85), so 64 stays.
    /// </summary>
    public const int SoftmaxShortRowMaxCols = 64;

    /// <summary>
    /// Outputs of at least this many floats (16 MB: 16× Zen 4's 1 MiB L2 and half its 32 MB L3), written out of place,
    /// bypass the cache with non-temporal stores: 8 instead of 12 bytes of traffic per element. The size was chosen to
    /// be clearly out of cache, not measured as a crossover.
    /// </summary>
    public const int StreamingMinFloats = 4 << 20;

    /// <summary>
    /// Shortest row that is streamed: a row's first and last cache lines are shared with its neighbours and written
    /// with ordinary masked stores, and mixing those with streaming stores on short rows (measured: rows of 100,
    /// Zen 4) is slower than not streaming at all.
    /// </summary>
    public const int StreamingMinCols = 512;

    /// <summary>
    /// Longest row of classes sent to the transposed cross-entropy tile (all it takes); longer rows go through the per-row
    /// kernel. At C = 17…64 the tile measured up to 2× the per-row kernel (Zen 4, <c>softmax-sweep short 17 24 32 48 64</c>,
    /// 64 KB batches: rows of 17 0.43 → 0.85 G el/s on AVX2, 0.42 → 0.96 on AVX-512).
    /// </summary>
    public const int CrossEntropyShortRowMaxClasses = SoftmaxShortRowMaxCols;
}
