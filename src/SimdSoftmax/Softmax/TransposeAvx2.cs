using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>8×8 float transpose in ymm registers: unpack, shufps, then 128-bit lane swaps (24 shuffles).</summary>
internal static class Transpose8x8Avx2
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose(
        ref Vector256<float> r0, ref Vector256<float> r1, ref Vector256<float> r2, ref Vector256<float> r3,
        ref Vector256<float> r4, ref Vector256<float> r5, ref Vector256<float> r6, ref Vector256<float> r7)
    {
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        // Per 128-bit lane L, u(c) holds column 4L + c of rows 0-3 (u0…u3) or rows 4-7 (u4…u7).
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        r0 = Avx.Permute2x128(u0, u4, 0x20); r4 = Avx.Permute2x128(u0, u4, 0x31);
        r1 = Avx.Permute2x128(u1, u5, 0x20); r5 = Avx.Permute2x128(u1, u5, 0x31);
        r2 = Avx.Permute2x128(u2, u6, 0x20); r6 = Avx.Permute2x128(u2, u6, 0x31);
        r3 = Avx.Permute2x128(u3, u7, 0x20); r7 = Avx.Permute2x128(u3, u7, 0x31);
    }
}
