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
    /// Batches of at least this many floats (16 MB: 16× Zen 4's 1 MiB L2 and half its 32 MB L3) count as out of cache:
    /// rows longer than <see cref="RowPipelineOutOfCacheMaxCols"/> go one at a time instead of through the row pipeline,
    /// and out-of-place log-softmax outputs of rows of at least <see cref="LogSoftmaxStreamingMinCols"/> (the fused
    /// classifier's dX: <see cref="StreamingMinCols"/>) are written with non-temporal stores.
    /// Softmax rows of 1000, Zen 4, <c>softmax-sweep crossover 1000 kb=…</c>, G el/s pipeline vs one row at a time
    /// (AVX-512 / AVX2): 1 MB 3.91 vs 2.61 (AVX-512), 4 MB 3.26 vs 2.98 / 2.67 vs 2.10, 16 MB 2.17 vs 3.11 / 2.12 vs
    /// 2.76, 40 MB 1.44 vs 2.83 / 1.18 vs 2.54: the crossover lies between 4 and 16 MB.
    /// </summary>
    public const int StreamingMinFloats = 4 << 20;

    /// <summary>
    /// In batches out of cache (<see cref="StreamingMinFloats"/>), rows longer than this go one row at a time
    /// (max pass from memory, then exp and scaling on the row in L1) rather than through the row pipeline, whose three
    /// interleaved rows measured slower once the input streams from memory. Zen 4, 40 MB, <c>softmax-sweep crossover</c>,
    /// G el/s pipeline vs one row at a time, AVX-512 softmax: rows of 100 2.08 vs 1.86, 150 2.09 vs 2.06, 200 2.06 vs
    /// 2.47, 300 2.08 vs 2.71, 400 1.86 vs 2.51 (AVX2 alike; log-softmax ties at 150–200). Cross-entropy's row pipeline
    /// (<see cref="CrossEntropyLongRow{T, V}.Rows"/>) stops here at any batch size, since it cannot see the batch (a
    /// chunk of a threaded call looks small): <c>softmax-sweep cerows</c>, 40 MB, one row at a time vs pipeline,
    /// AVX-512: rows of 65 1.27 vs 1.35, 100 1.55 vs 1.58, 150 1.97 vs 1.91, 192 2.14 vs 1.65, 1000 2.25 vs 1.29; in
    /// cache (64 KB) the pipeline wins throughout (192: 2.25 vs 2.42, 1000: 2.63 vs 3.06), which is given up above 128.
    /// </summary>
    public const int RowPipelineOutOfCacheMaxCols = 128;

    /// <summary>
    /// Shortest row of the fused classifier's dX (<see cref="SoftmaxLossFused"/>) that is streamed: a row's first and
    /// last cache lines are shared with its neighbours and written with ordinary masked stores, and mixing those with
    /// streaming stores on short rows (measured: rows of 100, Zen 4) is slower than not streaming at all. Log-softmax
    /// rows use <see cref="LogSoftmaxStreamingMinCols"/>.
    /// </summary>
    public const int StreamingMinCols = 512;

    /// <summary>
    /// Shortest log-softmax row whose out-of-cache output (<see cref="StreamingMinFloats"/>, out of place) is written
    /// with non-temporal stores. Log-softmax writes each element once, and there they win from 2048 on (Zen 4, 40 MB,
    /// AVX-512 / AVX2 G el/s, ordinary vs non-temporal: rows of 1000 1.94 vs 1.87 / 1.98 vs 1.43, 2000 1.81 vs 2.16 /
    /// 1.78 vs 1.88, 4096 1.80 vs 2.06 / 1.74 vs 1.91; 32000 1.60 vs 1.93 / 1.52 vs 1.78). Softmax never streams: staging
    /// its exponentials in L1 to stream the scaled row lost to ordinary stores at every length measured (AVX-512, 40 MB:
    /// 400 2.51 vs 1.72, 1000 2.83 vs 2.01, 2000 2.46 vs 2.08, 4096 2.08 vs 1.84; 16 MB rows of 1000 3.11 vs 2.28;
    /// 32000 a tie, 1.90 vs 1.90), and staging whole blocks of short rows to stream them out in full lines measured
    /// 25–35% slower than ordinary stores (rows of 10 and 100: those kernels are compute-bound, about as fast out of
    /// cache as in it, and the staging copy does not overlap with their arithmetic).
    /// </summary>
    public const int LogSoftmaxStreamingMinCols = 2048;

    /// <summary>
    /// Whether the AVX-512 long-row kernels exponentiate a row's tail of at most 8 floats on a ymm instead of a zmm
    /// (<see cref="SoftmaxLongRowKernels{T, V}"/>): on Zen 4 a zmm operation costs two 256-bit ones, and a row of 100 is
    /// 6 vectors and a tail of 4. Zen 4, <c>softmax-sweep halftail</c> (load average 20–28), G el/s zmm vs ymm tail, rows of
    /// 100, softmax / log-softmax: 40 MB 2.08 vs 2.09, 2.07 vs 2.13 / 1.66 vs 1.71, 1.64 vs 1.70; 64 KB 2.02 vs 2.09, 2.02
    /// vs 2.08 / 1.66 vs 1.69, 1.63 vs 1.65; rows of 70 alike. Where 512-bit operations run at full width (Zen 5, Intel)
    /// the ymm tail costs the same as a zmm one, so the choice is kept everywhere.
    /// </summary>
    public const bool HalfWidthExpTail = true;

    /// <summary>
    /// Whether the AVX2 long-row kernels write a row's tail with plain 4-, 2- and 1-float stores instead of vmaskmovps
    /// (microcoded on AMD). Zen 4, A/B with a temporary toggle, two runs (load average 13–20), G el/s vmaskmovps vs plain,
    /// softmax / log-softmax: rows of 100, 40 MB 2.03 vs 2.10, 2.02 vs 2.10 / 1.64 vs 1.71, 1.66 vs 1.70; 64 KB 1.89 vs
    /// 1.90, 1.87 vs 1.93 / 1.50 vs 1.48, 1.22 vs 1.60; rows of 70 (tail 6) 40 MB 1.60 vs 1.58 / 1.28 vs 1.46, 64 KB 1.34 vs
    /// 1.65 / 1.17 vs 1.42; rows of 1001, 40 MB and 64 KB, a tie or up to 2% better. The plain stores are no slower on
    /// Intel, so the choice is not keyed on the CPU. Cross-entropy long rows (<see cref="CrossEntropyLongRow{T, V}"/>) too:
    /// Zen 4, <c>softmax-sweep cerows</c>, two runs each build (load average 8–10), loss + gradient G el/s vmaskmovps vs
    /// plain, per row / row pipeline: rows of 70, 40 MB 1.30, 1.30 vs 1.38, 1.37 / 1.36, 1.35 vs 1.41, 1.40; 64 KB 1.09,
    /// 1.16 vs 1.23, 1.18 / 1.30, 1.31 vs 1.36, 1.32; rows of 100, 40 MB 1.45, 1.45 vs 1.52, 1.49 / 1.54, 1.54 vs 1.53,
    /// 1.60; 64 KB 1.49, 1.47 vs 1.56, 1.56 / 1.55, 1.56 vs 1.58, 1.59; rows of 1001 a tie.
    /// </summary>
    public const bool Avx2TailStoresUnmasked = true;

    /// <summary>
    /// Whether streaming log-softmax rows (<see cref="LogSoftmaxStreamingMinCols"/>, out of cache) prefetch the next row's
    /// input during the exp pass (<see cref="SoftmaxRows{TIsa, V}.Row"/>): that pass reads the row from L2, and with the
    /// output written by non-temporal stores it leaves the memory bus idle. Zen 4, 40 MB, <c>softmax-sweep prefetch</c>
    /// (each timed call after an untimed one of its own kind), two runs, load average 14–20, G el/s without vs with,
    /// AVX-512 / AVX2: rows of 4096 1.73 vs 2.04, 2.05 vs 2.48 / 1.60 vs 1.72, 1.95 vs 2.10; rows of 32000 1.60 vs 1.96,
    /// 1.82 vs 2.23 / 1.57 vs 1.85, 1.74 vs 2.06. Softmax does not prefetch: its exp pass writes y (reading its lines for
    /// ownership), the bus is busy, and the prefetch measured no better (AVX-512 32000: 1.69 vs 1.64, 1.60 vs 1.74;
    /// AVX2 1.56 vs 1.57, 1.61 vs 1.57); recomputing the exponentials to stream its output lost (1.72–1.76 vs 1.89 at
    /// 32000: the second exp makes it compute-bound).
    /// </summary>
    public const bool LongRowPrefetch = true;

    /// <summary>
    /// Longest row of classes sent to the transposed cross-entropy tile (all it takes); longer rows go through the per-row
    /// kernel. At C = 17…64 the tile measured up to 2× the per-row kernel (Zen 4, <c>softmax-sweep short 17 24 32 48 64</c>,
    /// 64 KB batches: rows of 17 0.43 → 0.85 G el/s on AVX2, 0.42 → 0.96 on AVX-512).
    /// </summary>
    public const int CrossEntropyShortRowMaxClasses = SoftmaxShortRowMaxCols;

    /// <summary>
    /// Whether AVX2 cross-entropy on whole groups of 8 rows of 9…16 classes keeps each group in ymm registers
    /// (<see cref="CrossEntropyShortRowRegistersAvx2"/>) rather than the stack tile (<see cref="CrossEntropyShortRowTileAvx2"/>);
    /// both give the same bits. Zen 4, <c>softmax-sweep ceavx2short</c> (load average 11), loss + gradient, G el/s tile vs
    /// registers (CopyTo): rows of 10, 40 MB 0.95 vs 1.27 (2.09), 64 KB 0.91 vs 1.29; rows of 12, 40 MB 1.11 vs 1.47, 64 KB
    /// 1.11 vs 1.45; rows of 16, 40 MB 1.22 vs 1.54, 64 KB 1.21 vs 1.59. Through the public entry (<c>softmax-sweep stream
    /// 10 12 16</c>, 40 MB, two runs per build, load average 5–7), Avx2 ce G el/s false vs true: rows of 10 0.97, 0.98 vs
    /// 1.31, 1.29; rows of 12 1.05, 1.06 vs 1.40, 1.38; rows of 16 1.20, 1.21 vs 1.54, 1.54. The tile's stack round trip and masked row
    /// accesses cost the same kind on Intel, so the choice is not keyed on the CPU.
    /// </summary>
    public const bool Avx2CrossEntropyShortRowRegisters = true;
}
