using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// 16×16 float transpose in zmm registers: unpack ps, unpack pd, then two rounds of 128-bit block shuffles
/// (64 shuffles in all). The short-row softmax uses it to turn 16 rows into 16 column vectors and back.
/// </summary>
internal static class Transpose16x16Avx512
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose(
        ref Vector512<float> r0, ref Vector512<float> r1, ref Vector512<float> r2, ref Vector512<float> r3,
        ref Vector512<float> r4, ref Vector512<float> r5, ref Vector512<float> r6, ref Vector512<float> r7,
        ref Vector512<float> r8, ref Vector512<float> r9, ref Vector512<float> r10, ref Vector512<float> r11,
        ref Vector512<float> r12, ref Vector512<float> r13, ref Vector512<float> r14, ref Vector512<float> r15)
    {
        // Stage 1: interleave row pairs: per 128-bit block k, [a(4k) b(4k) a(4k+1) b(4k+1)] and [a(4k+2) b(4k+2) …].
        Vector512<float> a0 = Avx512F.UnpackLow(r0, r1), a1 = Avx512F.UnpackHigh(r0, r1);
        Vector512<float> a2 = Avx512F.UnpackLow(r2, r3), a3 = Avx512F.UnpackHigh(r2, r3);
        Vector512<float> a4 = Avx512F.UnpackLow(r4, r5), a5 = Avx512F.UnpackHigh(r4, r5);
        Vector512<float> a6 = Avx512F.UnpackLow(r6, r7), a7 = Avx512F.UnpackHigh(r6, r7);
        Vector512<float> a8 = Avx512F.UnpackLow(r8, r9), a9 = Avx512F.UnpackHigh(r8, r9);
        Vector512<float> a10 = Avx512F.UnpackLow(r10, r11), a11 = Avx512F.UnpackHigh(r10, r11);
        Vector512<float> a12 = Avx512F.UnpackLow(r12, r13), a13 = Avx512F.UnpackHigh(r12, r13);
        Vector512<float> a14 = Avx512F.UnpackLow(r14, r15), a15 = Avx512F.UnpackHigh(r14, r15);

        // Stage 2: per 128-bit block k, b(4q + c) holds column 4k + c of rows 4q … 4q+3.
        Vector512<float> b0 = UnpackLowPd(a0, a2), b1 = UnpackHighPd(a0, a2), b2 = UnpackLowPd(a1, a3), b3 = UnpackHighPd(a1, a3);
        Vector512<float> b4 = UnpackLowPd(a4, a6), b5 = UnpackHighPd(a4, a6), b6 = UnpackLowPd(a5, a7), b7 = UnpackHighPd(a5, a7);
        Vector512<float> b8 = UnpackLowPd(a8, a10), b9 = UnpackHighPd(a8, a10), b10 = UnpackLowPd(a9, a11), b11 = UnpackHighPd(a9, a11);
        Vector512<float> b12 = UnpackLowPd(a12, a14), b13 = UnpackHighPd(a12, a14), b14 = UnpackLowPd(a13, a15), b15 = UnpackHighPd(a13, a15);

        // Stage 3: blocks 0,2 (0x88) and 1,3 (0xDD) of rows 0-3 with rows 4-7, and of rows 8-11 with rows 12-15.
        Vector512<float> c0 = Avx512F.Shuffle4x128(b0, b4, 0x88), c4 = Avx512F.Shuffle4x128(b0, b4, 0xDD);
        Vector512<float> c1 = Avx512F.Shuffle4x128(b1, b5, 0x88), c5 = Avx512F.Shuffle4x128(b1, b5, 0xDD);
        Vector512<float> c2 = Avx512F.Shuffle4x128(b2, b6, 0x88), c6 = Avx512F.Shuffle4x128(b2, b6, 0xDD);
        Vector512<float> c3 = Avx512F.Shuffle4x128(b3, b7, 0x88), c7 = Avx512F.Shuffle4x128(b3, b7, 0xDD);
        Vector512<float> d0 = Avx512F.Shuffle4x128(b8, b12, 0x88), d4 = Avx512F.Shuffle4x128(b8, b12, 0xDD);
        Vector512<float> d1 = Avx512F.Shuffle4x128(b9, b13, 0x88), d5 = Avx512F.Shuffle4x128(b9, b13, 0xDD);
        Vector512<float> d2 = Avx512F.Shuffle4x128(b10, b14, 0x88), d6 = Avx512F.Shuffle4x128(b10, b14, 0xDD);
        Vector512<float> d3 = Avx512F.Shuffle4x128(b11, b15, 0x88), d7 = Avx512F.Shuffle4x128(b11, b15, 0xDD);

        // Stage 4: c(k) holds columns k (blocks 0, 2) and k + 8 (blocks 1, 3) of rows 0-7; d(k) the same for rows 8-15.
        r0 = Avx512F.Shuffle4x128(c0, d0, 0x88); r8 = Avx512F.Shuffle4x128(c0, d0, 0xDD);
        r1 = Avx512F.Shuffle4x128(c1, d1, 0x88); r9 = Avx512F.Shuffle4x128(c1, d1, 0xDD);
        r2 = Avx512F.Shuffle4x128(c2, d2, 0x88); r10 = Avx512F.Shuffle4x128(c2, d2, 0xDD);
        r3 = Avx512F.Shuffle4x128(c3, d3, 0x88); r11 = Avx512F.Shuffle4x128(c3, d3, 0xDD);
        r4 = Avx512F.Shuffle4x128(c4, d4, 0x88); r12 = Avx512F.Shuffle4x128(c4, d4, 0xDD);
        r5 = Avx512F.Shuffle4x128(c5, d5, 0x88); r13 = Avx512F.Shuffle4x128(c5, d5, 0xDD);
        r6 = Avx512F.Shuffle4x128(c6, d6, 0x88); r14 = Avx512F.Shuffle4x128(c6, d6, 0xDD);
        r7 = Avx512F.Shuffle4x128(c7, d7, 0x88); r15 = Avx512F.Shuffle4x128(c7, d7, 0xDD);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> UnpackLowPd(Vector512<float> a, Vector512<float> b) =>
        Avx512F.UnpackLow(a.AsDouble(), b.AsDouble()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> UnpackHighPd(Vector512<float> a, Vector512<float> b) =>
        Avx512F.UnpackHigh(a.AsDouble(), b.AsDouble()).AsSingle();
}
