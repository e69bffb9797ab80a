using System.Runtime.CompilerServices;

namespace SimdSoftmax;

/// <summary>
/// Softmax on AVX-512: rows of at most 16 in zmm registers (<see cref="SoftmaxShortRowRegistersAvx512"/>), longer short
/// rows through the 16-row transposed tile (<see cref="SoftmaxShortRowTileAvx512"/>).
/// </summary>
internal readonly unsafe partial struct Avx512Isa : ISoftmaxIsa
{
    public static int SoftmaxShortRowMaxCols => Tuning.SoftmaxShortRowMaxCols;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SoftmaxShortRows(float* x, float* y, int rows, int cols, bool log)
    {
        if (cols <= SoftmaxShortRowRegistersAvx512.MaxCols) SoftmaxShortRowRegistersAvx512.Rows(x, y, rows, cols, log);
        else SoftmaxShortRowTileAvx512.Rows(x, y, rows, cols, log);
    }
}
