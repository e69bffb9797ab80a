using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SimdSoftmax;

/// <summary>
/// Vectorized natural log for positive normal floats (Cephes <c>logf</c>: x = m·2ᵉ with m in [√½, √2),
/// log(1 + f) by a degree-8 polynomial, e·ln2 added in two parts), error ≈ 1 ulp. Used for the row sums of
/// short-row log-softmax, which lie in [1, cols]; NaN stays NaN. Zero, negative, subnormal and infinite inputs
/// are outside the contract.
/// </summary>
internal static class LogCephes
{
    private const float SqrtHalf = 0.707106781186547524f;
    private const float P0 = 7.0376836292E-2f, P1 = -1.1514610310E-1f, P2 = 1.1676998740E-1f, P3 = -1.2420140846E-1f,
        P4 = 1.4249322787E-1f, P5 = -1.6668057665E-1f, P6 = 2.0000714765E-1f, P7 = -2.4999993993E-1f, P8 = 3.3333331174E-1f;
    private const float Ln2Hi = 0.693359375f, Ln2Lo = -2.12194440e-4f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Log(Vector256<float> x)
    {
        Vector256<int> bits = x.AsInt32();
        Vector256<float> e = Vector256.ConvertToSingle(Vector256.ShiftRightArithmetic(bits, 23) - Vector256.Create(126));
        Vector256<float> m = ((bits & Vector256.Create(0x007FFFFF)) | Vector256.Create(0x3F000000)).AsSingle(); // [0.5, 1)
        Vector256<float> small = Vector256.LessThan(m, Vector256.Create(SqrtHalf));
        e -= Vector256.Create(1f) & small;
        m = m + (m & small) - Vector256.Create(1f);
        Vector256<float> z = m * m;
        Vector256<float> p = Vector256.FusedMultiplyAdd(Vector256.Create(P0), m, Vector256.Create(P1));
        p = Vector256.FusedMultiplyAdd(p, m, Vector256.Create(P2));
        p = Vector256.FusedMultiplyAdd(p, m, Vector256.Create(P3));
        p = Vector256.FusedMultiplyAdd(p, m, Vector256.Create(P4));
        p = Vector256.FusedMultiplyAdd(p, m, Vector256.Create(P5));
        p = Vector256.FusedMultiplyAdd(p, m, Vector256.Create(P6));
        p = Vector256.FusedMultiplyAdd(p, m, Vector256.Create(P7));
        p = Vector256.FusedMultiplyAdd(p, m, Vector256.Create(P8));
        Vector256<float> y = p * m * z;
        y = Vector256.FusedMultiplyAdd(e, Vector256.Create(Ln2Lo), y);
        y = Vector256.FusedMultiplyAdd(z, Vector256.Create(-0.5f), y);
        Vector256<float> r = Vector256.FusedMultiplyAdd(e, Vector256.Create(Ln2Hi), m + y);
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), r, x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Log(Vector512<float> x)
    {
        Vector512<int> bits = x.AsInt32();
        Vector512<float> e = Vector512.ConvertToSingle(Vector512.ShiftRightArithmetic(bits, 23) - Vector512.Create(126));
        Vector512<float> m = ((bits & Vector512.Create(0x007FFFFF)) | Vector512.Create(0x3F000000)).AsSingle();
        Vector512<float> small = Vector512.LessThan(m, Vector512.Create(SqrtHalf));
        e -= Vector512.Create(1f) & small;
        m = m + (m & small) - Vector512.Create(1f);
        Vector512<float> z = m * m;
        Vector512<float> p = Vector512.FusedMultiplyAdd(Vector512.Create(P0), m, Vector512.Create(P1));
        p = Vector512.FusedMultiplyAdd(p, m, Vector512.Create(P2));
        p = Vector512.FusedMultiplyAdd(p, m, Vector512.Create(P3));
        p = Vector512.FusedMultiplyAdd(p, m, Vector512.Create(P4));
        p = Vector512.FusedMultiplyAdd(p, m, Vector512.Create(P5));
        p = Vector512.FusedMultiplyAdd(p, m, Vector512.Create(P6));
        p = Vector512.FusedMultiplyAdd(p, m, Vector512.Create(P7));
        p = Vector512.FusedMultiplyAdd(p, m, Vector512.Create(P8));
        Vector512<float> y = p * m * z;
        y = Vector512.FusedMultiplyAdd(e, Vector512.Create(Ln2Lo), y);
        y = Vector512.FusedMultiplyAdd(z, Vector512.Create(-0.5f), y);
        Vector512<float> r = Vector512.FusedMultiplyAdd(e, Vector512.Create(Ln2Hi), m + y);
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), r, x);
    }
}
