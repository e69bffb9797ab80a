using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// Per ISA: its group is the 16×16 zmm transpose (<see cref="Transpose16x16Avx512"/>, k-masked rows), whose 128-bit block shuffles have no 256-bit counterpart of the same shape.
/// Softmax of short rows (cols ≤ <see cref="MaxCols"/>, the classifier's C = 10), 16 rows per iteration.
/// The 16 rows are transposed in registers, 16 columns at a time, into a column-major tile (tile[j·16 + r] =
/// x[r, j]), so every row-wise operation becomes a full-width vertical one: lane r of column vector j is x[r, j].
/// Row max, Σexp and the scaling then run on whole vectors with no horizontal reductions and no masked lanes
/// (exp is evaluated on exactly cols vectors), and the tile is transposed back into the rows.
/// </summary>
/// <remarks>
/// <para>Rows are read and written with k-masked loads and stores of their real length, and a final group of
/// fewer than 16 rows only touches its own rows: nothing outside the span is accessed. Lanes of missing rows are
/// zeros and their results are dropped.</para>
/// <para>Building blocks for other row-wise kernels on short rows (cross-entropy on logits): call
/// <see cref="LoadTransposed"/> for a group, then <see cref="ShortRowTileColumns{T, V}.ColumnMax"/>, <see cref="ShortRowTileColumns{T, V}.SumExpMinusMax"/> or
/// <see cref="ShortRowTileColumns{T, V}.StoreExpMinusMax"/> (each returns one value per row in the lanes of a vector), modify the tile's
/// columns as needed (column j is the 16-float vector at tile + 16·j), and <see cref="StoreTransposed"/> to write
/// the rows. The tile must hold <see cref="TileFloats"/> floats, best 64-byte aligned (<see cref="AlignTile"/>).</para>
/// </remarks>
internal static unsafe class SoftmaxShortRowTileAvx512
{
    /// <summary>Rows per group: one per lane.</summary>
    public const int Group = 16;
    /// <summary>Longest row this kernel takes (the tile holds Group × MaxCols floats).</summary>
    public const int MaxCols = 64;
    /// <summary>Floats in a tile buffer.</summary>
    public const int TileFloats = Group * MaxCols;
    /// <summary>Floats to stackalloc so that <see cref="AlignTile"/> can return an aligned tile.</summary>
    public const int TileBufferFloats = TileFloats + 16;

    /// <summary>The first 64-byte boundary in a buffer of <see cref="TileBufferFloats"/> floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float* AlignTile(float* buffer) => (float*)(((nint)buffer + 63) & ~(nint)63);

    /// <summary>Softmax (or log-softmax) of <paramref name="rows"/> rows of <paramref name="cols"/> floats; y may be x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit] // the tile is written (LoadTransposed) before it is read; zeroing it per call cost a memset
    public static void Rows(float* x, float* y, int rows, int cols, bool log)
    {
        Debug.Assert(cols is >= 1 and <= MaxCols && rows >= 0);
        float* buffer = stackalloc float[TileBufferFloats];
        float* tile = AlignTile(buffer);
        for (int r0 = 0; r0 < rows; r0 += Group)
        {
            int n = Math.Min(Group, rows - r0);
            nint offset = (nint)r0 * cols;
            LoadTransposed(x + offset, cols, n, tile, x + (nint)rows * cols);
            ShortRowTileColumns<Avx512Isa, Vector512<float>>.Softmax(tile, cols, log);
            StoreTransposed(tile, cols, n, y + offset);
        }
    }

    /// <summary>
    /// Reads <paramref name="rows"/> (≤ 16) rows of <paramref name="cols"/> at x into the column-major tile; lanes of absent
    /// rows are 0; tile columns at or beyond cols (up to the next multiple of 16) are unspecified. Nothing at or after
    /// <paramref name="end"/> (the end of the readable span) is read.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LoadTransposed(float* x, int cols, int rows, float* tile, float* end)
    {
        Debug.Assert(rows is >= 1 and <= Group && cols is >= 1 and <= MaxCols);
        for (int j0 = 0; j0 < cols; j0 += Group)
            Transpose16x16Avx512.LoadRowsToColumns(x + j0, cols, rows, TailMask.Of512(Math.Min(Group, cols - j0)), tile + j0 * Group, end);
    }

    /// <summary>Writes the first <paramref name="cols"/> columns of the tile as <paramref name="rows"/> (≤ 16) rows at y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void StoreTransposed(float* tile, int cols, int rows, float* y)
    {
        Debug.Assert(rows is >= 1 and <= Group && cols is >= 1 and <= MaxCols);
        for (int j0 = 0; j0 < cols; j0 += Group)
            Transpose16x16Avx512.StoreColumnsToRows(tile + j0 * Group, y + j0, cols, rows, TailMask.Of512(Math.Min(Group, cols - j0)));
    }
}
