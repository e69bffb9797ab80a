using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// Vectorized <c>exp(x)</c> for x ≤ 0 — the domain after subtracting a row maximum — in the XNNPACK
/// "rr2-p5" scheme: round x·log2(e) to an integer n with a magic bias (which also leaves 2ⁿ's exponent
/// bits in place), reduce t = x − n·ln2 with a two-constant Cody-Waite split, evaluate a degree-5 minimax
/// polynomial, and reconstruct 2ⁿ·p(t). Inputs below the cutoff (−87.336…, where the result would be
/// subnormal) give +0; −∞ gives +0; NaN stays NaN; +0 gives 1. Positive inputs are outside the contract.
/// </summary>
internal static class ExpRr2P5
{
    // Constants as in XNNPACK's f32 rr2-p5 kernels (hex float literals written as bit patterns).
    private const float Log2E = 1.44269502f;                       // 0x1.715476p+0
    private static float MagicBias => BitConverter.Int32BitsToSingle(0x4B40007F); // 0x1.8000FEp23: 1.5·2²³ + 127
    private static float MinusLn2Hi => BitConverter.Int32BitsToSingle(unchecked((int)0xBF317200)); // −0x1.62E400p−1
    private static float MinusLn2Lo => BitConverter.Int32BitsToSingle(unchecked((int)0xB5BFBE8E)); // −0x1.7F7D1Cp−20
    private static float C5 => BitConverter.Int32BitsToSingle(0x3C07CFCE); // 0x1.0F9F9Cp−7
    private static float C4 => BitConverter.Int32BitsToSingle(0x3D2B9D0D); // 0x1.573A1Ap−5
    private static float C3 => BitConverter.Int32BitsToSingle(0x3E2AAD40); // 0x1.555A80p−3
    private static float C2 => BitConverter.Int32BitsToSingle(0x3EFFFEE3); // 0x1.FFFDC6p−2
    private static float C1 => BitConverter.Int32BitsToSingle(0x3F7FFFFB); // 0x1.FFFFF6p−1
    /// <summary>Below this, exp(x) is subnormal; the kernels flush to +0 (XNNPACK's denorm cutoff, −0x1.5D589Ep6).</summary>
    public static float Cutoff => BitConverter.Int32BitsToSingle(unchecked((int)0xC2AEAC4F));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        Vector256<float> n = Fma.MultiplyAdd(x, Vector256.Create(Log2E), Vector256.Create(MagicBias));
        Vector256<float> s = Avx2.ShiftLeftLogical(n.AsInt32(), 23).AsSingle();
        n -= Vector256.Create(MagicBias);
        Vector256<float> t = Fma.MultiplyAdd(n, Vector256.Create(MinusLn2Hi), x);
        t = Fma.MultiplyAdd(n, Vector256.Create(MinusLn2Lo), t);
        Vector256<float> p = Fma.MultiplyAdd(Vector256.Create(C5), t, Vector256.Create(C4));
        p = Fma.MultiplyAdd(p, t, Vector256.Create(C3));
        p = Fma.MultiplyAdd(p, t, Vector256.Create(C2));
        p = Fma.MultiplyAdd(p, t, Vector256.Create(C1));
        t *= s;
        Vector256<float> f = Fma.MultiplyAdd(t, p, s);
        // Zero where x < cutoff (this includes −∞); NaN compares false and passes through.
        return Avx.AndNot(Avx.CompareLessThan(x, Vector256.Create(Cutoff)), f);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        Vector512<float> n = Avx512F.FusedMultiplyAdd(x, Vector512.Create(Log2E), Vector512.Create(MagicBias));
        Vector512<float> s = Avx512F.ShiftLeftLogical(n.AsInt32(), 23).AsSingle();
        n -= Vector512.Create(MagicBias);
        Vector512<float> t = Avx512F.FusedMultiplyAdd(n, Vector512.Create(MinusLn2Hi), x);
        t = Avx512F.FusedMultiplyAdd(n, Vector512.Create(MinusLn2Lo), t);
        Vector512<float> p = Avx512F.FusedMultiplyAdd(Vector512.Create(C5), t, Vector512.Create(C4));
        p = Avx512F.FusedMultiplyAdd(p, t, Vector512.Create(C3));
        p = Avx512F.FusedMultiplyAdd(p, t, Vector512.Create(C2));
        p = Avx512F.FusedMultiplyAdd(p, t, Vector512.Create(C1));
        t *= s;
        Vector512<float> f = Avx512F.FusedMultiplyAdd(t, p, s);
        // As a select rather than AndNot: the JIT then emits vcmpltps k + vblendmps instead of cmp, vpmovm2d, vandps.
        return Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512.Create(Cutoff)), Vector512<float>.Zero, f);
    }
}
