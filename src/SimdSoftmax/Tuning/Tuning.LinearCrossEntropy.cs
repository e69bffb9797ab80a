namespace SimdSoftmax;

/// <summary>The row blocking of <see cref="LinearCrossEntropy"/>.</summary>
internal static partial class Tuning
{
    /// <summary>
    /// Floats of logits per row block (R·C ≤ this): 4 Mi floats = 16 MiB, so R = 128 at C = 32000 (1/16 of N·C at
    /// N = 2048, the workspace bound) and R = 32 at C = 128000. Each block re-reads W twice (the forward GEMM and
    /// dX) and reads + writes dW once, so larger R means fewer passes over W and dW. AMD EPYC Zen 4, 1 thread, Avx512,
    /// the row-block algorithm timed with the public GEMM at N×D×C = 1024×1024×32000 in thread CPU time (one process,
    /// the machine shared): R = 64: 2.67 s, 128: 2.33 s, 256: 2.05 s (wall time at load ~20: 32: 8.39 s, 64: 7.43,
    /// 128: 6.74, 256: 5.66). R = 256 would double the workspace (32 MiB) past the 1/16 bound for a 12% gain. At
    /// 4096×512×1000 (wall time, loaded): R = 256: 400 ms, 512: 362, 4096 (the whole batch: the composed form) 337.
    /// </summary>
    public const int LinearCeBlockFloats = 4 * 1024 * 1024;

    /// <summary>
    /// Fewest rows per block, whatever C: below it every block re-reads all of W (twice) and dW for too few rows. At
    /// 1024×2048×128000 (AMD EPYC Zen 4, 1 thread, Avx512, thread CPU time, load ~20, the row-block GEMMs alone): R = 32
    /// (the float budget's choice) 29.1 s = 55 GFLOPS, R = 64 21.8 s = 74 GFLOPS. 64·C is 1/16 of N·C at N = 1024, the
    /// issue's bound at its 128k shape; at C = 256000 it is 64 MiB.
    /// </summary>
    public const int LinearCeMinBlockRows = 64;

    /// <summary>Most rows per block: at small C the GEMMs are already efficient at 256 rows, and more rows only grow the workspace.</summary>
    public const int LinearCeMaxBlockRows = 256;

    /// <summary>Block rows are rounded down to a multiple of this when the budget allows more than one multiple, so the GEMMs see whole row tiles.</summary>
    public const int LinearCeRowMultiple = 8;

    /// <summary>
    /// Rows up to which <see cref="GemmRowBlock"/> packs all of A per depth block and each B micro-panel just before use
    /// (the row-block GEMMs: R ≤ <see cref="LinearCeMaxBlockRows"/>); 256·KC floats of packed A is 512 KiB, in L2.
    /// </summary>
    public const int LinearCeLazyPackRows = 256;

    /// <summary>
    /// Most block rows for which dX = dS·Wᵀ (W stored D×C) reads W in place (<see cref="GemmRowBlockStreamedW"/>) instead
    /// of packing it (<see cref="GemmRowBlock"/>; the same bits): the pack of a W micro-panel is shared by R/MR kernel
    /// calls, so it costs most at small R. AMD EPYC Zen 4, 1 thread, Avx512, scripts/linear-ce-bench.cs medians of 3,
    /// whole call (load ~1), GemmRowBlock → streamed: R = 64 (1024×2048×128000) 19808 → 17652 ms; R = 128
    /// (2048×1024×32000) 4100 → 4138 ms; R = 256 (4096×512×1000) 124 → 130 ms.
    /// </summary>
    public const int LinearCeStreamedWMaxRows = 64;

    /// <summary>
    /// Classes per tile of the optional gradient filter (a tile is skipped in the backward GEMMs when every |dS| of the row
    /// block in it is below the cutoff): KC wide, so a kept run of tiles is whole depth blocks of the dX GEMM.
    /// </summary>
    public const int LinearCeFilterTile = 512;

    /// <summary>
    /// Rows per chunk of a block's cross-entropy rows, the unit the threads share: fixed, so the chunk sums (added in
    /// chunk order) are the same for every thread count; 8 rows of C ≥ 1000 classes outweigh claiming a chunk.
    /// </summary>
    public const int LinearCeRowChunk = 8;
}
