using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace SimdSoftmax;

/// <summary>
/// dX_B = dS_B·op(W) of a row block computed as its transpose dX_Bᵀ = op(W)ᵀ·dS_Bᵀ, so that W, the big operand, is
/// the strided-A kernel's A read where it lies (<see cref="IGemmMicrokernelStridedA"/>) and dS_B, the small one (R rows),
/// is packed once per depth block as B. <see cref="GemmRowBlock"/> packs every W micro-panel from memory and then uses
/// it for only R/MR kernel calls, so at R = 64 the pack dominated. The depth blocks are <see cref="GemmRowBlock"/>'s
/// (the KC of the tile it would choose), each element one FMA chain per block in class order added to the running
/// value as the kernels do (fma(C, 1, acc)), so dX has the bits <see cref="GemmRowBlock.Run"/> gives it.
/// </summary>
internal static unsafe class GemmRowBlockStreamedW
{
    /// <summary>
    /// Whether dX = dS·op(W) of r rows, d features and c classes runs here, for W stored D×C (each kernel call reads 8
    /// rows of W sequentially). Stored C×D the kernel's A would step a whole W row per depth, a new page per step with
    /// no hardware prefetch: AMD EPYC Zen 4, 1 thread, Avx512, thread CPU time, 128×2048×128000 whole call 2508 ms with
    /// <see cref="GemmRowBlock"/>, 2948 ms here; so the caller keeps that layout on <see cref="GemmRowBlock"/>. Also
    /// needed: a SIMD path, and a shape <see cref="GemmRowBlock"/> would run in its own loop nest (not delegated) with at least one full B panel of rows.
    /// </summary>
    public static bool Applies(KernelPath path, int r, int d, int c) =>
        path is KernelPath.Avx2 or KernelPath.Avx512 && d > Tuning.GemmSkinnyMaxN && c > 0 && r >= StridedTile(path).NR;

    /// <summary>The parts (slabs of MR features) <see cref="RunPart"/> cuts the multiply into for at most <paramref name="maxParts"/> threads.</summary>
    public static int Parts(KernelPath path, int d, int maxParts)
    {
        var (size, _) = Slabs(StridedTile(path).MR, d, maxParts);
        return (d + size - 1) / size;
    }

    private static (int SlabSize, int Units) Slabs(int mr, int d, int maxParts)
    {
        int units = (d + mr - 1) / mr;
        int slabs = Math.Clamp(maxParts, 1, units);
        return ((units + slabs - 1) / slabs * mr, units);
    }

    private static GemmTile StridedTile(KernelPath path)
    {
        ReadOnlySpan<GemmTile> tiles = path == KernelPath.Avx512 ? Avx512Isa.GemmTiles : Avx2Isa.GemmTiles;
        foreach (GemmTile t in tiles)
            if (t.IsStridedA) return t;
        throw new InvalidOperationException("No strided-A tile for " + path + ".");
    }

    /// <summary>
    /// Features [f0, f1) of part <paramref name="part"/> of dX[i, f] = Σ_p ds[i·ldds + p]·w[f·rsW + p·csW] (i &lt; r, f &lt; d,
    /// p &lt; c): W stored D×C is (rsW, csW) = (ldw, 1), stored C×D (nn.Linear) (1, ldw).
    /// </summary>
    public static void RunPart(KernelPath path, int r, int d, int c, float* ds, nint ldds, float* w, nint rsW, nint csW,
        float* dx, nint lddx, int part, int maxParts)
    {
        GemmTile tile = StridedTile(path);
        int mr = tile.MR, nr = tile.NR;
        // The depth blocks GemmRowBlock would use for this multiply, so the sums are cut at the same places.
        int kcBlock = (path == KernelPath.Avx512 ? GemmTile.Choose(Avx512Isa.GemmTiles, r, d) : GemmTile.Choose(Avx2Isa.GemmTiles, r, d)).Blocking.KC;
        var (slabSize, _) = Slabs(mr, d, maxParts);
        int f0 = part * slabSize, f1 = Math.Min(d, f0 + slabSize);
        Debug.Assert(f0 < f1);
        int ldS = (r + nr - 1) / nr * nr;
        int rowsPadded = (f1 - f0 + mr - 1) / mr * mr;
        Buffers buffers = Buffers.ForCurrentThread();
        float* acc = buffers.Acc.Get((long)rowsPadded * ldS);
        float* packed = buffers.Packed.Get((long)ldS * kcBlock);
        float* edgeA = buffers.EdgeA.Get((long)mr * kcBlock);
        for (int pc = 0; pc < c; pc += kcBlock)
        {
            int kc = Math.Min(kcBlock, c - pc);
            float beta = pc == 0 ? 0f : 1f;
            // op(B)(p, i) = dS[i, pc + p]: the row block's dS transposed into NR-wide panels, zeros past r.
            GemmRowBlock.PackB(nr, true, ds, ldds, pc, 0, kc, r, packed);
            for (int f = f0; f < f1; f += mr)
            {
                float* a = w + f * rsW + pc * csW;
                nint rsA = rsW, csA = csW;
                if (f + mr > f1)
                {
                    // The last features: the kernel reads MR rows of A, so the rows that exist are copied, the rest zero.
                    int rows = f1 - f;
                    for (int i = 0; i < mr; i++)
                        for (int p = 0; p < kc; p++) edgeA[i * kc + p] = i < rows ? a[i * rsW + p * csW] : 0f;
                    a = edgeA;
                    rsA = kc;
                    csA = 1;
                }
                float* cRow = acc + (nint)(f - f0) * ldS;
                // No software prefetch of the next rows of W: prefetcht1 and prefetcht0 of the next 8 rows, spread over
                // the kernel calls, were no faster (128×2048×128000, 1 thread: 2347 ms without, 2355-2408 with).
                for (int jr = 0; jr < r; jr += nr)
                    tile.RunKernelStridedA(kc, a, rsA, csA, packed + (nint)jr * kc, cRow + jr, ldS, 1f, beta);
            }
        }
        for (int i = 0; i < r; i++)
        {
            float* dxRow = dx + i * lddx;
            for (int f = f0; f < f1; f++) dxRow[f] = acc[(nint)(f - f0) * ldS + i];
        }
    }

    /// <summary>Per-thread scratch: the part's dXᵀ accumulators, the packed dS panels, the zero-padded last rows of W.</summary>
    private sealed class Buffers
    {
        [ThreadStatic] private static Buffers? t_current;

        public GemmWorkspace.PinnedBuffer Acc { get; } = new();
        public GemmWorkspace.PinnedBuffer Packed { get; } = new();
        public GemmWorkspace.PinnedBuffer EdgeA { get; } = new();

        public static Buffers ForCurrentThread() => t_current ??= new Buffers();
    }
}
