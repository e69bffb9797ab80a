using System.Runtime.CompilerServices;

namespace SimdSoftmax;

/// <summary>
/// Softmax on AVX2: the whole groups of 8 rows of 9…16 floats in ymm registers (<see cref="SoftmaxShortRowRegistersAvx2"/>),
/// every other short row (1..64, and the last rows·cols mod 8 rows of 9…16) through the 8-row transposed tile
/// (<see cref="SoftmaxShortRowTileAvx2"/>); both give the same bits.
/// </summary>
internal readonly unsafe partial struct Avx2Isa : ISoftmaxIsa
{
    public static int SoftmaxShortRowMaxCols => Tuning.SoftmaxShortRowMaxCols;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SoftmaxShortRows(float* x, float* y, int rows, int cols, bool log)
    {
        if (cols is >= SoftmaxShortRowRegistersAvx2.MinCols and <= SoftmaxShortRowRegistersAvx2.MaxCols)
        {
            int done = SoftmaxShortRowRegistersAvx2.Rows(x, y, rows, cols, log);
            if (done == rows) return;
            nint offset = (nint)done * cols;
            x += offset;
            y += offset;
            rows -= done;
        }
        SoftmaxShortRowTileAvx2.Rows(x, y, rows, cols, log);
    }
}
