using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// The largest lane of a vector, by halving with <c>maxps</c> (each step keeps the first operand's lane order, so the
/// result, including which zero's sign or NaN survives, is the same whichever width the reduction starts from).
/// </summary>
internal static class HorizontalMax
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Of(Vector256<float> v)
    {
        Vector128<float> q = Sse.Max(v.GetLower(), v.GetUpper());
        q = Sse.Max(q, Sse.MoveHighToLow(q, q));
        q = Sse.MaxScalar(q, Sse.Shuffle(q, q, 1));
        return q.ToScalar();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Of(Vector512<float> v) => Of(Avx.Max(v.GetLower(), v.GetUpper()));
}
