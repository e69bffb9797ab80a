using System.Runtime.CompilerServices;

namespace SimdSoftmax;

/// <summary>Softmax on AVX2: every short row (1..64) through the 8-row transposed tile.</summary>
internal readonly unsafe partial struct Avx2Isa : ISoftmaxIsa
{
    public static int SoftmaxShortRowMaxCols => Tuning.SoftmaxShortRowMaxCols;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SoftmaxShortRows(float* x, float* y, int rows, int cols, bool log) =>
        SoftmaxShortRowTileAvx2.Rows(x, y, rows, cols, log);
}
