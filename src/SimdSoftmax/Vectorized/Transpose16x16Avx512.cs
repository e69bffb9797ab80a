using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// Per ISA: the shuffle network of a transpose is specific to the register width.
/// 16×16 float transposes between rows in memory and a column-major tile, in zmm registers: unpack ps, unpack pd,
/// then two rounds of 128-bit block shuffles (64 shuffles). Rows are read and written with k-masked accesses of
/// their real width, so nothing past a row (or past the last valid row) is touched.
/// </summary>
/// <remarks>Load, transpose and store live in one method each: passing the 16 vectors by reference made the JIT
/// keep them on the stack.</remarks>
internal static unsafe class Transpose16x16Avx512
{
    /// <summary>
    /// dst[16·k + r] = src[r·stride + k] for the lanes k set in <paramref name="colMask"/> and r &lt; <paramref name="rows"/>;
    /// lanes of rows ≥ rows are 0, columns outside the mask are unspecified. All 16 column vectors (256 floats) of dst
    /// are written. A row whose full 16-float load ends at or before <paramref name="end"/> (the end of the readable
    /// span) is loaded whole — its extra floats belong to the next row and land in the unspecified columns — and only
    /// the rows near the end of the span use a masked load: converting the mask vector to a k register before every
    /// masked load cost one uop per row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // too large to inline; compiled optimized from the first call, never at tier 0
    public static void LoadRowsToColumns(float* src, nint stride, int rows, Vector512<float> colMask, float* dst, float* end)
    {
        Debug.Assert(rows is >= 1 and <= 16);
        Vector512<float> r0 = LoadRow(src + 0 * stride, 0 < rows, colMask, end);
        Vector512<float> r1 = LoadRow(src + 1 * stride, 1 < rows, colMask, end);
        Vector512<float> r2 = LoadRow(src + 2 * stride, 2 < rows, colMask, end);
        Vector512<float> r3 = LoadRow(src + 3 * stride, 3 < rows, colMask, end);
        Vector512<float> r4 = LoadRow(src + 4 * stride, 4 < rows, colMask, end);
        Vector512<float> r5 = LoadRow(src + 5 * stride, 5 < rows, colMask, end);
        Vector512<float> r6 = LoadRow(src + 6 * stride, 6 < rows, colMask, end);
        Vector512<float> r7 = LoadRow(src + 7 * stride, 7 < rows, colMask, end);
        Vector512<float> r8 = LoadRow(src + 8 * stride, 8 < rows, colMask, end);
        Vector512<float> r9 = LoadRow(src + 9 * stride, 9 < rows, colMask, end);
        Vector512<float> r10 = LoadRow(src + 10 * stride, 10 < rows, colMask, end);
        Vector512<float> r11 = LoadRow(src + 11 * stride, 11 < rows, colMask, end);
        Vector512<float> r12 = LoadRow(src + 12 * stride, 12 < rows, colMask, end);
        Vector512<float> r13 = LoadRow(src + 13 * stride, 13 < rows, colMask, end);
        Vector512<float> r14 = LoadRow(src + 14 * stride, 14 < rows, colMask, end);
        Vector512<float> r15 = LoadRow(src + 15 * stride, 15 < rows, colMask, end);
        Vector512<float> a0 = Avx512F.UnpackLow(r0, r1), a1 = Avx512F.UnpackHigh(r0, r1);
        Vector512<float> a2 = Avx512F.UnpackLow(r2, r3), a3 = Avx512F.UnpackHigh(r2, r3);
        Vector512<float> a4 = Avx512F.UnpackLow(r4, r5), a5 = Avx512F.UnpackHigh(r4, r5);
        Vector512<float> a6 = Avx512F.UnpackLow(r6, r7), a7 = Avx512F.UnpackHigh(r6, r7);
        Vector512<float> a8 = Avx512F.UnpackLow(r8, r9), a9 = Avx512F.UnpackHigh(r8, r9);
        Vector512<float> a10 = Avx512F.UnpackLow(r10, r11), a11 = Avx512F.UnpackHigh(r10, r11);
        Vector512<float> a12 = Avx512F.UnpackLow(r12, r13), a13 = Avx512F.UnpackHigh(r12, r13);
        Vector512<float> a14 = Avx512F.UnpackLow(r14, r15), a15 = Avx512F.UnpackHigh(r14, r15);
        Vector512<float> b0 = UnpackLowPd(a0, a2), b1 = UnpackHighPd(a0, a2), b2 = UnpackLowPd(a1, a3), b3 = UnpackHighPd(a1, a3);
        Vector512<float> b4 = UnpackLowPd(a4, a6), b5 = UnpackHighPd(a4, a6), b6 = UnpackLowPd(a5, a7), b7 = UnpackHighPd(a5, a7);
        Vector512<float> b8 = UnpackLowPd(a8, a10), b9 = UnpackHighPd(a8, a10), b10 = UnpackLowPd(a9, a11), b11 = UnpackHighPd(a9, a11);
        Vector512<float> b12 = UnpackLowPd(a12, a14), b13 = UnpackHighPd(a12, a14), b14 = UnpackLowPd(a13, a15), b15 = UnpackHighPd(a13, a15);
        Vector512<float> c0 = Avx512F.Shuffle4x128(b0, b4, 0x88), c4 = Avx512F.Shuffle4x128(b0, b4, 0xDD);
        Vector512<float> d0 = Avx512F.Shuffle4x128(b8, b12, 0x88), d4 = Avx512F.Shuffle4x128(b8, b12, 0xDD);
        Vector512<float> c1 = Avx512F.Shuffle4x128(b1, b5, 0x88), c5 = Avx512F.Shuffle4x128(b1, b5, 0xDD);
        Vector512<float> d1 = Avx512F.Shuffle4x128(b9, b13, 0x88), d5 = Avx512F.Shuffle4x128(b9, b13, 0xDD);
        Vector512<float> c2 = Avx512F.Shuffle4x128(b2, b6, 0x88), c6 = Avx512F.Shuffle4x128(b2, b6, 0xDD);
        Vector512<float> d2 = Avx512F.Shuffle4x128(b10, b14, 0x88), d6 = Avx512F.Shuffle4x128(b10, b14, 0xDD);
        Vector512<float> c3 = Avx512F.Shuffle4x128(b3, b7, 0x88), c7 = Avx512F.Shuffle4x128(b3, b7, 0xDD);
        Vector512<float> d3 = Avx512F.Shuffle4x128(b11, b15, 0x88), d7 = Avx512F.Shuffle4x128(b11, b15, 0xDD);
        Vector512<float> t0 = Avx512F.Shuffle4x128(c0, d0, 0x88), t8 = Avx512F.Shuffle4x128(c0, d0, 0xDD);
        Vector512<float> t1 = Avx512F.Shuffle4x128(c1, d1, 0x88), t9 = Avx512F.Shuffle4x128(c1, d1, 0xDD);
        Vector512<float> t2 = Avx512F.Shuffle4x128(c2, d2, 0x88), t10 = Avx512F.Shuffle4x128(c2, d2, 0xDD);
        Vector512<float> t3 = Avx512F.Shuffle4x128(c3, d3, 0x88), t11 = Avx512F.Shuffle4x128(c3, d3, 0xDD);
        Vector512<float> t4 = Avx512F.Shuffle4x128(c4, d4, 0x88), t12 = Avx512F.Shuffle4x128(c4, d4, 0xDD);
        Vector512<float> t5 = Avx512F.Shuffle4x128(c5, d5, 0x88), t13 = Avx512F.Shuffle4x128(c5, d5, 0xDD);
        Vector512<float> t6 = Avx512F.Shuffle4x128(c6, d6, 0x88), t14 = Avx512F.Shuffle4x128(c6, d6, 0xDD);
        Vector512<float> t7 = Avx512F.Shuffle4x128(c7, d7, 0x88), t15 = Avx512F.Shuffle4x128(c7, d7, 0xDD);
        t0.Store(dst + 0);
        t1.Store(dst + 16);
        t2.Store(dst + 32);
        t3.Store(dst + 48);
        t4.Store(dst + 64);
        t5.Store(dst + 80);
        t6.Store(dst + 96);
        t7.Store(dst + 112);
        t8.Store(dst + 128);
        t9.Store(dst + 144);
        t10.Store(dst + 160);
        t11.Store(dst + 176);
        t12.Store(dst + 192);
        t13.Store(dst + 208);
        t14.Store(dst + 224);
        t15.Store(dst + 240);
    }

    /// <summary>dst[r·stride + k] = src[16·k + r] for r &lt; <paramref name="rows"/> and the lanes k set in <paramref name="colMask"/>; nothing else is written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void StoreColumnsToRows(float* src, float* dst, nint stride, int rows, Vector512<float> colMask)
    {
        Debug.Assert(rows is >= 1 and <= 16);
        Vector512<float> r0 = Vector512.Load(src + 0);
        Vector512<float> r1 = Vector512.Load(src + 16);
        Vector512<float> r2 = Vector512.Load(src + 32);
        Vector512<float> r3 = Vector512.Load(src + 48);
        Vector512<float> r4 = Vector512.Load(src + 64);
        Vector512<float> r5 = Vector512.Load(src + 80);
        Vector512<float> r6 = Vector512.Load(src + 96);
        Vector512<float> r7 = Vector512.Load(src + 112);
        Vector512<float> r8 = Vector512.Load(src + 128);
        Vector512<float> r9 = Vector512.Load(src + 144);
        Vector512<float> r10 = Vector512.Load(src + 160);
        Vector512<float> r11 = Vector512.Load(src + 176);
        Vector512<float> r12 = Vector512.Load(src + 192);
        Vector512<float> r13 = Vector512.Load(src + 208);
        Vector512<float> r14 = Vector512.Load(src + 224);
        Vector512<float> r15 = Vector512.Load(src + 240);
        Vector512<float> a0 = Avx512F.UnpackLow(r0, r1), a1 = Avx512F.UnpackHigh(r0, r1);
        Vector512<float> a2 = Avx512F.UnpackLow(r2, r3), a3 = Avx512F.UnpackHigh(r2, r3);
        Vector512<float> a4 = Avx512F.UnpackLow(r4, r5), a5 = Avx512F.UnpackHigh(r4, r5);
        Vector512<float> a6 = Avx512F.UnpackLow(r6, r7), a7 = Avx512F.UnpackHigh(r6, r7);
        Vector512<float> a8 = Avx512F.UnpackLow(r8, r9), a9 = Avx512F.UnpackHigh(r8, r9);
        Vector512<float> a10 = Avx512F.UnpackLow(r10, r11), a11 = Avx512F.UnpackHigh(r10, r11);
        Vector512<float> a12 = Avx512F.UnpackLow(r12, r13), a13 = Avx512F.UnpackHigh(r12, r13);
        Vector512<float> a14 = Avx512F.UnpackLow(r14, r15), a15 = Avx512F.UnpackHigh(r14, r15);
        Vector512<float> b0 = UnpackLowPd(a0, a2), b1 = UnpackHighPd(a0, a2), b2 = UnpackLowPd(a1, a3), b3 = UnpackHighPd(a1, a3);
        Vector512<float> b4 = UnpackLowPd(a4, a6), b5 = UnpackHighPd(a4, a6), b6 = UnpackLowPd(a5, a7), b7 = UnpackHighPd(a5, a7);
        Vector512<float> b8 = UnpackLowPd(a8, a10), b9 = UnpackHighPd(a8, a10), b10 = UnpackLowPd(a9, a11), b11 = UnpackHighPd(a9, a11);
        Vector512<float> b12 = UnpackLowPd(a12, a14), b13 = UnpackHighPd(a12, a14), b14 = UnpackLowPd(a13, a15), b15 = UnpackHighPd(a13, a15);
        Vector512<float> c0 = Avx512F.Shuffle4x128(b0, b4, 0x88), c4 = Avx512F.Shuffle4x128(b0, b4, 0xDD);
        Vector512<float> d0 = Avx512F.Shuffle4x128(b8, b12, 0x88), d4 = Avx512F.Shuffle4x128(b8, b12, 0xDD);
        Vector512<float> c1 = Avx512F.Shuffle4x128(b1, b5, 0x88), c5 = Avx512F.Shuffle4x128(b1, b5, 0xDD);
        Vector512<float> d1 = Avx512F.Shuffle4x128(b9, b13, 0x88), d5 = Avx512F.Shuffle4x128(b9, b13, 0xDD);
        Vector512<float> c2 = Avx512F.Shuffle4x128(b2, b6, 0x88), c6 = Avx512F.Shuffle4x128(b2, b6, 0xDD);
        Vector512<float> d2 = Avx512F.Shuffle4x128(b10, b14, 0x88), d6 = Avx512F.Shuffle4x128(b10, b14, 0xDD);
        Vector512<float> c3 = Avx512F.Shuffle4x128(b3, b7, 0x88), c7 = Avx512F.Shuffle4x128(b3, b7, 0xDD);
        Vector512<float> d3 = Avx512F.Shuffle4x128(b11, b15, 0x88), d7 = Avx512F.Shuffle4x128(b11, b15, 0xDD);
        Vector512<float> t0 = Avx512F.Shuffle4x128(c0, d0, 0x88), t8 = Avx512F.Shuffle4x128(c0, d0, 0xDD);
        Vector512<float> t1 = Avx512F.Shuffle4x128(c1, d1, 0x88), t9 = Avx512F.Shuffle4x128(c1, d1, 0xDD);
        Vector512<float> t2 = Avx512F.Shuffle4x128(c2, d2, 0x88), t10 = Avx512F.Shuffle4x128(c2, d2, 0xDD);
        Vector512<float> t3 = Avx512F.Shuffle4x128(c3, d3, 0x88), t11 = Avx512F.Shuffle4x128(c3, d3, 0xDD);
        Vector512<float> t4 = Avx512F.Shuffle4x128(c4, d4, 0x88), t12 = Avx512F.Shuffle4x128(c4, d4, 0xDD);
        Vector512<float> t5 = Avx512F.Shuffle4x128(c5, d5, 0x88), t13 = Avx512F.Shuffle4x128(c5, d5, 0xDD);
        Vector512<float> t6 = Avx512F.Shuffle4x128(c6, d6, 0x88), t14 = Avx512F.Shuffle4x128(c6, d6, 0xDD);
        Vector512<float> t7 = Avx512F.Shuffle4x128(c7, d7, 0x88), t15 = Avx512F.Shuffle4x128(c7, d7, 0xDD);
        if (0 < rows) Avx512F.MaskStore(dst + 0 * stride, colMask, t0);
        if (1 < rows) Avx512F.MaskStore(dst + 1 * stride, colMask, t1);
        if (2 < rows) Avx512F.MaskStore(dst + 2 * stride, colMask, t2);
        if (3 < rows) Avx512F.MaskStore(dst + 3 * stride, colMask, t3);
        if (4 < rows) Avx512F.MaskStore(dst + 4 * stride, colMask, t4);
        if (5 < rows) Avx512F.MaskStore(dst + 5 * stride, colMask, t5);
        if (6 < rows) Avx512F.MaskStore(dst + 6 * stride, colMask, t6);
        if (7 < rows) Avx512F.MaskStore(dst + 7 * stride, colMask, t7);
        if (8 < rows) Avx512F.MaskStore(dst + 8 * stride, colMask, t8);
        if (9 < rows) Avx512F.MaskStore(dst + 9 * stride, colMask, t9);
        if (10 < rows) Avx512F.MaskStore(dst + 10 * stride, colMask, t10);
        if (11 < rows) Avx512F.MaskStore(dst + 11 * stride, colMask, t11);
        if (12 < rows) Avx512F.MaskStore(dst + 12 * stride, colMask, t12);
        if (13 < rows) Avx512F.MaskStore(dst + 13 * stride, colMask, t13);
        if (14 < rows) Avx512F.MaskStore(dst + 14 * stride, colMask, t14);
        if (15 < rows) Avx512F.MaskStore(dst + 15 * stride, colMask, t15);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> LoadRow(float* p, bool present, Vector512<float> colMask, float* end) =>
        !present ? Vector512<float>.Zero : p + 16 <= end ? Vector512.Load(p) : Avx512F.MaskLoad(p, colMask, Vector512<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> UnpackLowPd(Vector512<float> a, Vector512<float> b) =>
        Avx512F.UnpackLow(a.AsDouble(), b.AsDouble()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> UnpackHighPd(Vector512<float> a, Vector512<float> b) =>
        Avx512F.UnpackHigh(a.AsDouble(), b.AsDouble()).AsSingle();
}
