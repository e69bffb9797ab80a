namespace SimdSoftmax;

/// <summary>
/// Cache block sizes per ISA, in one place (BLIS keeps them in config/&lt;arch&gt;/). Loops: NC columns of B (L3) →
/// KC depth (packed B panel KC×NC) → MC rows of A (packed A block MC×KC, L2) → NR → MR (register tile).
/// Chosen on an Intel Xeon (48 KiB L1d, 2 MiB L2 per core) and checked on an AMD EPYC Zen 4 (32 KiB L1d, 1 MiB L2) by the
/// gemm-sweep / gemm-tiles measurements quoted here and in the README (the MC×KC A block fills part of L2).
/// </summary>
internal static class GemmBlocking
{
    // Measured with `gemm-tiles` (bench), single thread, thread CPU time, 512³/1024³/1536³ on this shared 2-core VM
    // (±10 % run to run). Microkernels alone, L1-resident, 4× k-unrolled: 6×16 AVX2 ≈ 99 % and every AVX-512 tile
    // ≈ 93–97 % of the measured FMA peak; in the full GEMM the larger KC won (fewer passes over C, longer kernel calls):
    //   AVX2 6×16:  KC 256 → 70–83, KC 512 (MC 96) → 79–81, KC 1024 → 80 GFLOPS at 1024³.
    //   AVX-512 at 1024³: 12×32 (KC 256–384) 138–140, 14×32 150, 6×64 156, 8×48 (MC 128, KC 512) 153;
    //   at 512³ / 1536³ 8×48 KC 512 was best (174 / 153 vs 162 / 148 for 12×32).
    // A B micro-panel (KC·NR floats) larger than L1 is fine here: the kernel's 3 B loads per 24 FMAs stream from L2.
    // Issue 3 (the drop at 2048³), `gemm-sweep blocking`, all variants round-robin in one process, GFLOPS at 2048³:
    //   AVX2 base 86.5, NC 1024 86.8, NC 512 81.8, MC 48/KC 1024 85.3, MC 192/KC 256 73.6, prefetching the C tile
    //   at kernel entry 95.3 (OpenBLAS 93.2). Smaller NC (B panel in L2) does not help; the loss was the C tile's
    //   load/RFO misses (C is 16 MiB, rows 8 KiB apart, touched once per KC pass) — now prefetched in the kernels.

    /// <summary>AVX2 6×16 tile: MC×KC A block = 192 KiB (L2), KC×NC B panel = 6 MiB (L3).</summary>
    public const int Avx2MC = 96, Avx2KC = 512, Avx2NC = 3072;

    /// <summary>AVX-512 8×48 tile: MC×KC A block = 256 KiB (L2), KC×NC B panel = 6 MiB (L3).</summary>
    public const int Avx512MC = 128, Avx512KC = 512, Avx512NC = 3072;

    /// <summary>AVX-512 12×32 tile: MC×KC A block = 192 KiB.</summary>
    public const int Avx512x12x32MC = 96;
    /// <summary>AVX-512 6×64 tile: MC×KC A block = 384 KiB.</summary>
    public const int Avx512x6x64MC = 192;

    /// <summary>Register tile (MR rows × NR columns of C) of an AVX-512 tile choice.</summary>
    public static (int MR, int NR) Shape(Avx512Tile tile) => tile switch
    {
        Avx512Tile.T6x64 => (Microkernel6x64Avx512.MR, Microkernel6x64Avx512.NR),
        Avx512Tile.T12x32 => (Microkernel12x32Avx512.MR, Microkernel12x32Avx512.NR),
        _ => (Microkernel8x48Avx512.MR, Microkernel8x48Avx512.NR),
    };

    /// <summary>
    /// The AVX-512 register tile for an m×n C: the one with the least padded work, ceil(m/MR)·MR·ceil(n/NR)·NR / (m·n),
    /// weighted by how fast each tile runs on a large problem (1024³, gemm-tiles: Xeon 8×48 153, 6×64 156, 12×32 ≈ 140
    /// GFLOPS; Zen 4 106, 103, 102), so 8×48 wins whenever no tile fits the shape much better. All three use KC = 512,
    /// and with the same KC every tile gives bitwise the same C (one FMA chain per element in k order), so the choice
    /// never changes a result. Measured on Zen 4 with KC 512, GFLOPS (8×48 → chosen): 64³ 50 → 75 (6×64),
    /// 100³ 60 → 64 (6×64), 128³ 80 → 90 (6×64), 256³ 88 → 99 (6×64), 512³ 98 → 101 (6×64), 1024³ 105 → 105 (6×64, a
    /// tie); 2048³ stays 8×48.
    /// </summary>
    public static Avx512Tile ChooseAvx512Tile(int m, int n)
    {
        static double Cost(int m, int n, Avx512Tile tile, double speed)
        {
            (int mr, int nr) = Shape(tile);
            return (double)((m + mr - 1) / mr * mr) * ((n + nr - 1) / nr * nr) / ((double)m * n) / speed;
        }
        double c848 = Cost(m, n, Avx512Tile.T8x48, 1.00), c664 = Cost(m, n, Avx512Tile.T6x64, 0.98), c1232 = Cost(m, n, Avx512Tile.T12x32, 0.94);
        if (c664 < c848 && c664 <= c1232) return Avx512Tile.T6x64;
        if (c1232 < c848) return Avx512Tile.T12x32;
        return Avx512Tile.T8x48;
    }

    /// <summary>Largest packed-A and packed-B buffers any path needs (floats), so one per-thread workspace serves all.</summary>
    public const int MaxPackedA = 256 * 512, MaxPackedB = 512 * 4096;

    /// <summary>Columns (n) at or below which the no-pack skinny path runs instead of the blocked one.</summary>
    public const int SkinnyMaxN = 16;
}

/// <summary>The AVX-512 register tiles the blocked GEMM chooses from (<see cref="GemmBlocking.ChooseAvx512Tile"/>).</summary>
internal enum Avx512Tile { T8x48, T12x32, T6x64 }
