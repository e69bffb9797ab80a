using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SimdSoftmax;

/// <summary>
/// Lane masks for the tail of a loop: all ones in lanes k &lt; count, zero elsewhere (count may exceed the width or be
/// ≤ 0). Built by comparing lane indices so the mask is one compare, with no table to load.
/// </summary>
internal static class TailMask
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Of256(nint count) =>
        Vector256.LessThan(Vector256<int>.Indices, Vector256.Create((int)count)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Of512(nint count) =>
        Vector512.LessThan(Vector512<int>.Indices, Vector512.Create((int)count)).AsSingle();
}
