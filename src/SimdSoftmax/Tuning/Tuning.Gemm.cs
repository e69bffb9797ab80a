namespace SimdSoftmax;

// GEMM entries of the tuning table. "Xeon" is the Intel Xeon the blocking was first chosen on (48 KiB L1d, 2 MiB L2 per
// core); "Zen 4" is the AMD EPYC Zen 4 it was checked on (32 KiB L1d, 1 MiB L2). Both were shared 2-core VMs, so the
// figures carry about ±10 % noise; every comparison quoted was measured interleaved in one process.
internal static partial class Tuning
{
    /// <summary>
    /// The AVX2 register tiles: the tile registry of <see cref="Avx2Isa"/> (adding a tile = its kernel file + one line).
    /// 4×16 is weighted for Zen 4 only (<see cref="IsZen4"/>); both use KC 512, so the choice never changes a bit of C.
    /// 6×16 with MC 96, KC 512, NC 3072: the MC×KC A block is 192 KiB (L2), the KC×NC B panel 6 MiB (L3). Measured with
    /// gemm-tiles (Xeon, single thread, thread CPU time): KC 256 → 70–83 GFLOPS, KC 512 (MC 96) → 79–81, KC 1024 → 80
    /// at 1024³; `gemm-sweep blocking` at 2048³ (Xeon): 96/512/3072 86.5, NC 1024 86.8, NC 512 81.8, MC 48/KC 1024 85.3,
    /// MC 192/KC 256 73.6 — smaller NC (B panel in L2) does not help.
    /// 4×16 reads A in place (pack-B-only nest, <see cref="GemmTile.OfStridedA"/>) while m, n ≤ 512, and ≤ 256 when A is
    /// stored transposed: Zen 4, 1 thread, medians, GFLOPS blocked → pack-B-only: NN 64³ 77 → 98, 128³ 90 → 102, 256³ 97
    /// → 100, 384³ 89 → 95, 512³ 90 → 94; TN 64³ 66 → 96, 256³ 92 → 95, 384³ 94 → 90, 512³ 92 → 82 (stored-transposed A
    /// read 16 bytes per cache line and k step). Weighted 1.20 there (≈ the small-size gain) so <see cref="GemmTile.Choose"/>
    /// prefers it to 6×16 wherever it runs that nest.
    /// 4×24 (MC 192) for the larger blocked problems on Zen 4: 12 accumulators like 6×16 but 7 loads per 12 FMAs (6×16:
    /// 8). Zen 4, 1 thread, `gemm-sweep small tiles=avx2`, medians of 15-21 interleaved rounds (load 20-30), GFLOPS
    /// 4×16 blocked / 4×24 / OpenBLAS 0.3.21 Haswell: 1024³ 92.4 / 96.9 / 96.7 and 96.4 / 99.0 / 100.6; 2048³ 89.2 / 96.4
    /// / 93.7 and 92.7 / 97.1 / 97.8; 512³ 92.5 / 90.7 / 90.2 (4×16 stays there). Weighted 1.10 so it wins past the
    /// pack-B-only range (its padding to 24 columns is under 1% from 1024 up); unmeasured elsewhere, hence 0.50.
    /// </summary>
    public static readonly GemmTile[] GemmAvx2Tiles =
    [
        GemmTile.Of<Microkernel6x16Avx2>(mc: 96, kc: 512, nc: 3072, speed: 1.00),
        GemmTile.OfStridedA<Microkernel4x16Avx2>(mc: 96, kc: 512, nc: 3072, speed: IsZen4() ? 1.05 : 0.50,
            packedBOnlyUpTo: 512, packedBOnlyUpToTransposedA: 256, packedBSpeed: IsZen4() ? 1.20 : 0.50),
        GemmTile.Of<Microkernel4x24Avx2>(mc: 192, kc: 512, nc: 3072, speed: IsZen4() ? 1.10 : 0.50),
    ];

    /// <summary>
    /// The AVX-512 register tiles, in order of preference on a tie: the tile registry of <see cref="Avx512Isa"/> (adding a
    /// tile = its kernel file + one line). <see cref="GemmTile.Choose"/> takes the least padded work divided by the
    /// speed weight, the tile's rate on a large problem relative to 8×48 (1024³, gemm-tiles, single thread: Xeon 8×48 153,
    /// 6×64 156, 12×32 ≈ 140 GFLOPS; Zen 4 106, 103, 102 — 0.98 and 0.94 sit between the two machines). Every tile uses
    /// KC 512, so the choice never changes a bit of C (one FMA chain per element in k order). MC per tile keeps the
    /// MC×KC A block in L2: 8×48 256 KiB, 6×64 384 KiB, 12×32 192 KiB. Xeon, 512³ / 1536³: 8×48 KC 512 174 / 153 against
    /// 12×32 162 / 148. Zen 4 with KC 512, GFLOPS 8×48 → chosen: 64³ 50 → 75 (6×64), 128³ 80 → 90 (6×64), 256³ 88 → 99
    /// (6×64), 1024³ 105 → 105 (6×64, a tie); 2048³ stays 8×48. `gemm-sweep blocking` at 2048³ (Xeon): NC 960 and 480
    /// no better than 3072.
    /// 8×32 reads A in place (pack-B-only nest, <see cref="GemmTile.OfStridedA"/>) while m, n ≤ 512: Zen 4, 1 thread,
    /// medians, GFLOPS blocked → pack-B-only (oneDNN 2.6 in the same run): NN 64³ 90 → 104 (91), 128³ 101 → 106 (105),
    /// 256³ 107 → 112 (105), 384³ 110 → 110 (114), 512³ 104 → 105 (109), 1024³ 104 → 101 (105); TN 64³ 97 → 104, 256³
    /// 107 → 112, 512³ 103 → 103. Weighted 1.10 there (the 64³–256³ gain) so <see cref="GemmTile.Choose"/> prefers it to the
    /// bigger tiles wherever it runs that nest; the pack-B-only nest rounds like the blocked one, so this changes no bit.
    /// </summary>
    public static readonly GemmTile[] GemmAvx512Tiles =
    [
        GemmTile.Of<Microkernel8x48Avx512>(mc: 128, kc: 512, nc: 3072, speed: 1.00),
        GemmTile.Of<Microkernel6x64Avx512>(mc: 192, kc: 512, nc: 3072, speed: 0.98),
        GemmTile.Of<Microkernel12x32Avx512>(mc: 96, kc: 512, nc: 3072, speed: 0.94),
        GemmTile.OfStridedA<Microkernel8x32Avx512>(mc: 128, kc: 512, nc: 3072, speed: IsZen4() ? 1.00 : 0.50,
            packedBOnlyUpTo: 512, packedBOnlyUpToTransposedA: 512, packedBSpeed: IsZen4() ? 1.10 : 0.50),
    ];

    /// <summary>
    /// Whether this is an AMD Zen 4 (CPUID: AuthenticAMD, family 25 = 0x19, AVX-512F in leaf 7 — Zen 3, the other family-25
    /// core, has no AVX-512), read from CPUID rather than from the runtime's ISA switches so DOTNET_EnableAVX512=0 does not
    /// change the AVX2 tile. Zen 4 runs a 512-bit FMA as two 256-bit halves (one per cycle), so small tiles with a low
    /// FMA:load ratio keep up with the big ones there, and tiles that divide 64–256 need no edge tiles.
    /// Zen 4 EPYC, 1 thread, medians of 31 interleaved samples (load ≈ 17–28), GFLOPS:
    /// AVX-512 8×48 / 6×64 / 12×32 / 8×32 / oneDNN 2.6 dnnl_sgemm: 64³ 36 / 66 / 63 / 90 / 92; 128³ 64 / 94 / 87 / 102 /
    /// 112; 256³ 96 / 106 / 103 / 108 / 110; 1024³ 66 / 68 / 66 / 68 / 71 (all slowed alike by the load).
    /// AVX2 6×16 / 4×16 / OpenBLAS 0.3.21 Haswell / oneDNN: 64³ 58 / 76 / 89 / 92; 128³ 82 / 91 / 101 / 111; 256³ 85 / 98 /
    /// 99 / 108; 1024³ 89 / 95 / 102 / 106. Elsewhere (Xeon, Zen 5: two full-width FMA per cycle) the small tiles are
    /// unmeasured, and weighted 0.50 they are never chosen.
    /// </summary>
    private static bool IsZen4()
    {
        if (!System.Runtime.Intrinsics.X86.X86Base.IsSupported) return false;
        (int maxLeaf, int ebx, int ecx, int edx) = System.Runtime.Intrinsics.X86.X86Base.CpuId(0, 0);
        bool amd = ebx == 0x68747541 && edx == 0x69746E65 && ecx == 0x444D4163; // "Auth" "enti" "cAMD"
        if (!amd || maxLeaf < 7) return false;
        int eax = System.Runtime.Intrinsics.X86.X86Base.CpuId(1, 0).Eax;
        int family = (eax >> 8) & 0xF;
        if (family == 0xF) family += (eax >> 20) & 0xFF;
        bool avx512F = (System.Runtime.Intrinsics.X86.X86Base.CpuId(7, 0).Ebx & (1 << 16)) != 0;
        return family == 0x19 && avx512F;
    }

    /// <summary>
    /// Below this many flops (2·m·n·k) automatic threading stays on the calling thread (and allocates nothing). Handing
    /// a slab to a pool thread costs on the order of 10–50 µs; 2·160³ flops take ≈ 50 µs on one core at ~160 GFLOPS
    /// (Xeon), so below it a second thread cannot pay for itself. gemm-sweep's CPU-time estimate gives 1.6× at 256³ and
    /// 1.8–2.0× from 512³ up (the shared machine was too loaded for a clean wall-clock crossover).
    /// </summary>
    public const long GemmParallelThresholdFlops = 2L * 160 * 160 * 160;

    /// <summary>
    /// Columns (n) at or below which the no-pack skinny path runs instead of the blocked one: up to 16 a 16- or 48-wide
    /// register tile wastes more lanes than packing saves (the classifier's C = 10 columns is the case that matters).
    /// </summary>
    public const int GemmSkinnyMaxN = 16;

    /// <summary>
    /// Rows of A per panel of the skinny dot sweep: the panel's saved accumulators stay in L1/L2 while the op(B) chunk is
    /// reused by every row of it. Each row is a concurrent memory stream: Zen 4, 5000×3073×10 (A 61 MB), 5 interleaved
    /// rounds, 2 threads: 8 rows gave a median 93 GFLOPS Avx512 / 63 Avx2 against 71 / 56 with 32 rows; single-threaded
    /// X·W went 49.8 → 57.9 (Avx512) with this and the B stride padding; cache-resident shapes (100×784, 64×3073) ±1%.
    /// </summary>
    public const int GemmDotPanelRows = 8;

    /// <summary>
    /// How far ahead the skinny dot kernels prefetch each row of A into L2 when A streams from memory (more than
    /// <see cref="GemmDotResidentBytes"/>): the same k position one panel further down (<see cref="GemmDotPanelRows"/>·lda
    /// floats), so the next panel's first chunk is in L2 when the panel starts, and the DRAM stream runs one panel (~100 KB
    /// at k = 3073) ahead. The earlier choice, 512 floats along the row (the same rows' next chunk), left every panel start
    /// waiting on 8 rows' first chunk from memory. Zen 4, 1 thread, Avx512, 5000×3073×10 (A 61 MB), medians of 9
    /// interleaved rounds (gemm-sweep skinny-probe): 512 floats 5.06 ms → 1 panel 4.29 ms (2 panels 4.38; load 13);
    /// under load 21: 5.24 → 4.66 ms. Earlier (512 floats against none): no prefetch 6.19 ms, prefetcht1 at 512 / 768 /
    /// 1024 / 1536 floats 5.08 / 5.05 / 5.06 / 5.51, prefetcht0 at 128 6.09.
    /// </summary>
    public const int GemmDotPrefetchPanels = 1;

    /// <summary>The skinny dot's walk over A (see the constants above).</summary>
    public static readonly SkinnyDotBlocking GemmDotBlocking = new(GemmDotPanelRows, GemmDotDepthChunk, GemmDotPrefetchPanels, 0);

    /// <summary>Largest A (bytes of one call or thread slab) the skinny dot takes as cache resident (no prefetch): Zen 4's 1 MiB L2.</summary>
    public const long GemmDotResidentBytes = 1 << 20;

    /// <summary>
    /// k per chunk of the skinny dot sweep: a chunk of op(B)ᵀ (n × 512 floats, 20 KiB for n = 10) stays in L1. Zen 4,
    /// gemm-sweep, L2-resident 64×3073×10: 256 and 768 ≈ 60–70 GFLOPS, no chunking ≈ 55–57; shorter chunks pay the
    /// save/restore of the accumulators too often.
    /// </summary>
    public const int GemmDotDepthChunk = 512;

    /// <summary>
    /// Floats of padding past k in each row of the transposed narrow B, so the n rows the dot kernel reads side by side
    /// do not fall into the same L1 sets when k·4 bytes is near a multiple of 4 KiB (k = 3073: every row 4 bytes past the
    /// previous one modulo 4 KiB; Zen 4's 32 KiB 8-way L1 thrashed on 10 B rows + 4 A rows). Zen 4, single thread,
    /// L2-resident 64×3073×10: 39 → 68 GFLOPS (Avx512), 33 → 60 (Avx2); memory-bound shapes within ±5%.
    /// </summary>
    public const int GemmDotBStridePad = 64;

    /// <summary>
    /// Rows of A (depth) per chunk of the skinny outer-product sweep when A streams from memory (AVX-512 kernel; AVX2:
    /// <see cref="GemmOuterDepthChunkStreamedAvx2"/>). The chunk's rows are read
    /// down one 32-column strip at a time; the kernels prefetch each row <see cref="GemmOuterPrefetchDistance"/> floats
    /// ahead into L2 and the next strip's lines into L1, so the strip walk no longer waits on strided L1 misses and longer
    /// chunks pay off (the Cᵀ accumulators are saved and reloaded once per chunk and strip). Zen 4, 1 thread, Avx512,
    /// 3073×5000×10 with transA (A 61 MB), gemm-sweep skinny-probe, two alternating processes of 7 rounds each (load 19),
    /// ms before (no L1 prefetch) → after: 8 rows 5.33 / 5.04 → 4.91 / 4.83; 16 rows 5.10 / 4.94 → 4.55 / 4.37; 32 rows
    /// 5.36 / 5.06 → 4.52 / 4.26. Before this, with Cᵀ stored a whole row per class and no L1 prefetch, 8 rows was best
    /// (56.5 GFLOPS against 25.1 with 32 rows). Then 32 against more, probe medians of 7 rounds in five runs (load 16-17),
    /// 32 / 48 / 64 / 96 rows: 4.61 / 4.24 / 4.17 / 4.19 ms, 4.12 / 4.01 / 3.97 / 4.03, 4.07 / 3.96 / 4.02 / 3.96; 32 / 64:
    /// 3.93 / 3.83, 4.11 / 4.00. 64 rows of 3073 floats (786 KB) are less than Zen 4's 1 MiB L2.
    /// </summary>
    public const int GemmOuterDepthChunkStreamed = 64;

    /// <summary>
    /// <see cref="GemmOuterDepthChunkStreamed"/> for the AVX2 kernel (16 columns × 5, so a strip is read once per 5
    /// columns of B): 8 rows stays best there. Zen 4, 1 thread, 3073×5000×10 with transA, gemm-sweep skinny-probe avx2,
    /// two runs of 7 rounds (load 20), 8 / 16 / 32 rows: 5.98 / 7.91 / 7.32 ms and 6.16 / 7.95 / 7.18 ms.
    /// </summary>
    public const int GemmOuterDepthChunkStreamedAvx2 = 8;

    /// <summary>
    /// Rows of A per chunk when A is cache resident (at most <see cref="GemmOuterResidentBytes"/>): all of them, so each
    /// strip's accumulators stay in registers from the first row of A to the last and are stored once. Zen 4, 1 thread,
    /// gemm-sweep skinny-probe, medians of 9 interleaved rounds (load 32), GFLOPS with 32 / 64 / all rows: 784×100×10
    /// Aᵀ·B Avx512 71.7 / 73.8 / 74.1, Avx2 64.8 / 67.0 / 66.9; 3073×64×10 within ±1%. (Earlier: 32 rows against 8,
    /// 784×100×10 78 vs 71, 3073×64×10 65 vs 56.)
    /// </summary>
    public const int GemmOuterDepthChunkResident = int.MaxValue;

    /// <summary>
    /// Floats ahead along each row of A at which the skinny outer-product kernels prefetch into L2 when A streams (over
    /// <see cref="GemmOuterResidentBytes"/>): 8 strips of 32 ahead, on the few rows of the depth chunk. Zen 4, 1 thread,
    /// Avx512, 3073×5000×10 with transA (A 61 MB), medians of 11 interleaved runs, load 19: no prefetch 6.48 ms (47.4
    /// GFLOPS); prefetcht1 at 256 / 512 / 1024 floats 5.09 / 5.27 / 5.57 ms; prefetcht0 at 256 5.44.
    /// </summary>
    public const int GemmOuterPrefetchDistance = 256;

    /// <summary>The skinny outer product's walk over A (see the constants above).</summary>
    public static readonly SkinnyOuterBlocking GemmOuterBlocking = new(GemmOuterDepthChunkStreamed, 0, GemmOuterPrefetchDistance, GemmOuterDepthChunkResident);

    /// <summary><see cref="GemmOuterBlocking"/> for the 256-bit kernels.</summary>
    public static readonly SkinnyOuterBlocking GemmOuterBlockingAvx2 = GemmOuterBlocking with { DepthChunk = GemmOuterDepthChunkStreamedAvx2 };

    /// <summary>Largest A (bytes read by one call or thread slab) taken as cache resident: Zen 4's 1 MiB L2 (the smaller of the two machines').</summary>
    public const long GemmOuterResidentBytes = 1 << 20;
}
