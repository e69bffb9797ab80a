namespace SimdSoftmax;

/// <summary>
/// Cache block sizes per ISA, in one place (BLIS keeps them in config/&lt;arch&gt;/). Loops: NC columns of B (L3) →
/// KC depth (packed B panel KC×NC) → MC rows of A (packed A block MC×KC, L2) → NR → MR (register tile).
/// This CPU: 48 KiB L1d and 2 MiB L2 per core, large shared L3. Values chosen by the gemm-sweep measurements quoted
/// in the README (a KC·NR B micro-panel stays in L1; the MC×KC A block fills part of L2).
/// </summary>
internal static class GemmBlocking
{
    /// <summary>AVX2 6×16 tile: KC·NR·4 B = 16 KiB in L1, MC×KC·4 = 288 KiB of A in L2.</summary>
    public const int Avx2MC = 144, Avx2KC = 256, Avx2NC = 3072;

    /// <summary>AVX-512 12×32 tile.</summary>
    public const int Avx512MC = 192, Avx512KC = 384, Avx512NC = 3072;

    /// <summary>Largest packed-A and packed-B buffers any path needs (floats), so one per-thread workspace serves all.</summary>
    public const int MaxPackedA = 192 * 512, MaxPackedB = 512 * 4096;

    /// <summary>Columns (n) at or below which the no-pack skinny path runs instead of the blocked one.</summary>
    public const int SkinnyMaxN = 16;
}
