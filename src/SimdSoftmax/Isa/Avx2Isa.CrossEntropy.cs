using System.Runtime.Intrinsics;
using System.Runtime.CompilerServices;

namespace SimdSoftmax;

/// <summary>Cross-entropy on AVX2: whole groups of 8 short rows through the transposed tile, the rest per row.</summary>
internal readonly unsafe partial struct Avx2Isa : ICrossEntropyIsa
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CrossEntropyShortRows(float* s, int* labels, int rows, int c, int ld, float* g, int ldg, float scale, ref double total)
    {
        if (c > Tuning.CrossEntropyShortRowMaxClasses) return 0;
        int r = rows / CrossEntropyShortRowTileAvx2.Group * CrossEntropyShortRowTileAvx2.Group;
        total = CrossEntropyShortRowTileAvx2.Run(s, labels, r, c, ld, g, ldg, scale);
        return r;
    }
}

internal readonly unsafe partial struct Avx2Isa : ICrossEntropyOptionsIsa<Vector256<float>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint EqualBits(Vector256<float> a, Vector256<float> b) =>
        Vector256.Equals(a, b).ExtractMostSignificantBits();
}
