using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// Packing (BLIS <c>packm</c>): copies a block of op(A) or op(B) into the micro-panel order the microkernels stream,
/// zero-filling partial panels so the kernels always run full tiles. Transposes are absorbed here.
/// </summary>
internal static unsafe class PackPanels
{
    /// <summary>
    /// Packs op(A)[i0..i0+mc, p0..p0+kc] as ⌈mc/MR⌉ micro-panels of MR rows: panel r holds, for each p, the MR values
    /// of column p (rows past mc are 0). Stored A is m×k (row stride lda) or k×m when transposed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackPanelA(int mr, bool transA, float* a, nint lda, int i0, int p0, int mc, int kc, float* dst)
    {
        Debug.Assert(mr > 0 && mc > 0 && kc > 0);
        if (transA)
        {
            // Stored k×m: each p row holds the mr values contiguously, the layout PackPanelB copies (in vectors).
            PackPanelB(mr, false, a, lda, p0, i0, kc, mc, dst);
            return;
        }
        // Stored m×k: gather one element from each of the mr rows per p. In blocks of 8 p, 8×8 transposes in registers:
        // the scalar gather cost ~1.4 cycles per element, a fifth of a 64³ multiply (Zen 4).
        for (int ir = 0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            float* src = a + (nint)(i0 + ir) * lda + p0;
            int p = 0;
            if (Avx.IsSupported && mr == 4 && rows == 4)
            {
                // MR 4 (the AVX2 tile on Zen 4) on its own loop: the group loop and its checks cost a quarter of the packing.
                for (; p + 8 <= kc; p += 8, dst += 32)
                    TransposeFourToPanel(src + p, lda, dst, 4);
            }
            else if (Avx.IsSupported && mr == 8 && rows == 8)
            {
                // MR 8 (the AVX-512 8×48 and 8×32 tiles) likewise: whole 8×8 transposes, 18 → 30+ GB/s at 1024² (Zen 4).
                for (; p + 8 <= kc; p += 8, dst += 64)
                    TransposeToPanel(src + p, lda, 8, dst, 8, 8);
            }
            else if (Avx.IsSupported)
            {
                for (; p + 8 <= kc; p += 8, dst += 8 * mr)
                    for (int g = 0; g < mr; g += 8)
                    {
                        // A group of exactly 4 rows (MR 4, the tail of MR 12) in a 4×8 transpose: the 8×8 one with four
                        // zero rows and 16-byte stores packed a quarter as fast (Zen 4: 10 against 41 GB/s for MR 4).
                        if (mr - g == 4 && rows - g == 4)
                            TransposeFourToPanel(src + g * lda + p, lda, dst + g, mr);
                        else
                            TransposeToPanel(src + g * lda + p, lda, Math.Clamp(rows - g, 0, 8), dst + g, mr, Math.Min(8, mr - g));
                    }
            }
            if (rows == mr)
            {
                for (; p < kc; p++, dst += mr)
                {
                    float* s = src + p;
                    for (int r = 0; r < mr; r++, s += lda) dst[r] = *s;
                }
            }
            else
            {
                for (; p < kc; p++, dst += mr)
                {
                    int r = 0;
                    for (; r < rows; r++) dst[r] = src[r * lda + p];
                    for (; r < mr; r++) dst[r] = 0f;
                }
            }
        }
    }

    /// <summary>
    /// dst[q·mr + r] = src[r·lda + q] for q &lt; 8 and r &lt; <paramref name="width"/>, 0 where r ≥ <paramref name="rows"/>:
    /// 8 columns of up to 8 rows of A become 8 consecutive p-steps of a micro-panel of height mr. Reads exactly 8 floats
    /// of each of the <paramref name="rows"/> rows and writes exactly <paramref name="width"/> floats per p-step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void TransposeToPanel(float* src, nint lda, int rows, float* dst, int mr, int width)
    {
        Debug.Assert(rows is >= 0 and <= 8 && width is >= 1 and <= 8 && rows <= width);
        Vector256<float> r0 = 0 < rows ? Vector256.Load(src + 0 * lda) : Vector256<float>.Zero;
        Vector256<float> r1 = 1 < rows ? Vector256.Load(src + 1 * lda) : Vector256<float>.Zero;
        Vector256<float> r2 = 2 < rows ? Vector256.Load(src + 2 * lda) : Vector256<float>.Zero;
        Vector256<float> r3 = 3 < rows ? Vector256.Load(src + 3 * lda) : Vector256<float>.Zero;
        Vector256<float> r4 = 4 < rows ? Vector256.Load(src + 4 * lda) : Vector256<float>.Zero;
        Vector256<float> r5 = 5 < rows ? Vector256.Load(src + 5 * lda) : Vector256<float>.Zero;
        Vector256<float> r6 = 6 < rows ? Vector256.Load(src + 6 * lda) : Vector256<float>.Zero;
        Vector256<float> r7 = 7 < rows ? Vector256.Load(src + 7 * lda) : Vector256<float>.Zero;
        Transpose8x8Avx2.InRegisters(r0, r1, r2, r3, r4, r5, r6, r7, out var t0, out var t1, out var t2, out var t3, out var t4, out var t5, out var t6, out var t7);
        StoreExact(t0, dst + 0 * mr, width);
        StoreExact(t1, dst + 1 * mr, width);
        StoreExact(t2, dst + 2 * mr, width);
        StoreExact(t3, dst + 3 * mr, width);
        StoreExact(t4, dst + 4 * mr, width);
        StoreExact(t5, dst + 5 * mr, width);
        StoreExact(t6, dst + 6 * mr, width);
        StoreExact(t7, dst + 7 * mr, width);
    }

    /// <summary>
    /// dst[q·mr + r] = src[r·lda + q] for q &lt; 8 and r &lt; 4: 8 columns of 4 rows of A become 8 consecutive p-steps of
    /// 4 floats in a micro-panel of height mr (4 when the steps are contiguous, as in 4 whole ymm stores).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void TransposeFourToPanel(float* src, nint lda, float* dst, int mr)
    {
        Vector256<float> r0 = Vector256.Load(src), r1 = Vector256.Load(src + lda);
        Vector256<float> r2 = Vector256.Load(src + 2 * lda), r3 = Vector256.Load(src + 3 * lda);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        // u0 = steps 0 | 4, u1 = 1 | 5, u2 = 2 | 6, u3 = 3 | 7 (one step of 4 rows per 128-bit lane).
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        if (mr == 4)
        {
            Avx.Permute2x128(u0, u1, 0x20).Store(dst);
            Avx.Permute2x128(u2, u3, 0x20).Store(dst + 8);
            Avx.Permute2x128(u0, u1, 0x31).Store(dst + 16);
            Avx.Permute2x128(u2, u3, 0x31).Store(dst + 24);
            return;
        }
        u0.GetLower().Store(dst + 0 * mr); u1.GetLower().Store(dst + 1 * mr);
        u2.GetLower().Store(dst + 2 * mr); u3.GetLower().Store(dst + 3 * mr);
        u0.GetUpper().Store(dst + 4 * mr); u1.GetUpper().Store(dst + 5 * mr);
        u2.GetUpper().Store(dst + 6 * mr); u3.GetUpper().Store(dst + 7 * mr);
    }

    /// <summary>Stores the first <paramref name="count"/> lanes of <paramref name="v"/> (1 to 8) and nothing past them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreExact(Vector256<float> v, float* dst, int count)
    {
        if (count == 8)
        {
            v.Store(dst);
            return;
        }
        int done = 0;
        if (count >= 4)
        {
            v.GetLower().Store(dst);
            done = 4;
            if (count >= 6)
            {
                Sse2.StoreLow((double*)(dst + 4), v.GetUpper().AsDouble());
                done = 6;
            }
        }
        for (; done < count; done++) dst[done] = v.GetElement(done);
    }

    /// <summary>Floats of a stored B block (kc rows of ldb) below which it is taken as L1-resident: 32 KiB.</summary>
    private const long L1BlockFloats = 8 * 1024;

    /// <summary>
    /// Packs op(B)[p0..p0+kc, j0..j0+nc] as ⌈nc/NR⌉ micro-panels of NR columns: panel j holds, for each p, NR
    /// consecutive values of row p (columns past nc are 0). Stored B is k×n (row stride ldb) or n×k when transposed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackPanelB(int nr, bool transB, float* b, nint ldb, int p0, int j0, int kc, int nc, float* dst)
    {
        Debug.Assert(nr > 0 && nc > 0 && kc > 0);
        if (transB)
        {
            // Stored n×k: column j of op(B) is row j of storage, the gather PackPanelA does in 8×8 register transposes
            // (one element per load and store before).
            PackPanelA(nr, false, b, ldb, j0, p0, nc, kc, dst);
            return;
        }
        int full = nr % 4 == 0 && Vector128.IsHardwareAccelerated ? nc / nr * nr : 0;
        if (full > 0)
        {
            // Whole panels in bands of RowBand rows across all panels: each band reads its rows left to right (a few
            // short sequential streams, few pages) where panel by panel walked all kc rows, ldb apart, once per panel
            // (Zen 4, nr 16: 15-22 → 33-41 GB/s at 1024²; at 2048², B from memory, ~10 GB/s either way). nr/8 ymm (and one xmm) copies per row
            // instead of a variable-size block copy, which would call memmove per row.
            // A block within L1 (64³) is copied panel by panel (one band): the bands' extra loop cost 1-2% there.
            int rowBand = (long)kc * ldb <= L1BlockFloats ? kc : 8;
            for (int pb = 0; pb < kc; pb += rowBand)
            {
                int rows = Math.Min(rowBand, kc - pb);
                for (int jr = 0; jr < full; jr += nr)
                {
                    float* src = b + (nint)(p0 + pb) * ldb + j0 + jr;
                    float* d = dst + (nint)jr * kc + pb * nr;
                    if (nr == 16)
                    {
                        // The AVX2 tiles' width, unrolled: the per-row loop over 8-float pieces cost a third of the copy.
                        for (int p = 0; p < rows; p++, src += ldb, d += 16)
                        {
                            Vector256.Store(Vector256.Load(src), d);
                            Vector256.Store(Vector256.Load(src + 8), d + 8);
                        }
                        continue;
                    }
                    for (int p = 0; p < rows; p++, src += ldb, d += nr)
                    {
                        int j = 0;
                        for (; j + 8 <= nr; j += 8) Vector256.Store(Vector256.Load(src + j), d + j);
                        if (j < nr) Vector128.Store(Vector128.Load(src + j), d + j);
                    }
                }
            }
        }
        for (int jr = full; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            float* src = b + (nint)p0 * ldb + j0 + jr;
            float* d = dst + (nint)jr * kc;
            for (int p = 0; p < kc; p++, src += ldb, d += nr)
            {
                int j = 0;
                for (; j < cols; j++) d[j] = src[j];
                for (; j < nr; j++) d[j] = 0f;
            }
        }
    }
}
