using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// Per ISA: its group is the 8×8 ymm transpose (<see cref="Transpose8x8Avx2"/>, vmaskmovps rows), whose shuffles have no 512-bit counterpart of the same shape.
/// Softmax of short rows (cols ≤ <see cref="MaxCols"/>, the classifier's C = 10), 8 rows per iteration.
/// The 8 rows are transposed in registers, 8 columns at a time, into a column-major tile (tile[j·8 + r] =
/// x[r, j]), so every row-wise operation becomes a full-width vertical one: lane r of column vector j is x[r, j].
/// Row max, Σexp and the scaling then run on whole vectors with no horizontal reductions and no masked lanes
/// (exp is evaluated on exactly cols vectors), and the tile is transposed back into the rows.
/// </summary>
/// <remarks>
/// <para>Rows of at least 8 floats are read and written with plain 8-float loads and stores, the last chunk of a row
/// starting at cols − 8 (overlapping the previous one; it rewrites those columns with the same values); shorter rows
/// with masked loads and stores (vmaskmovps) of their real length. A final group of fewer than 8 rows only touches
/// its own rows: nothing outside the span is accessed. Lanes of missing rows are zeros and their results are
/// dropped.</para>
/// <para>Building blocks for other row-wise kernels on short rows (cross-entropy on logits): call
/// <see cref="LoadTransposed(float*, int, int, float*)"/> for a group, then <see cref="ShortRowTileColumns{T, V}.ColumnMax"/>, <see cref="ShortRowTileColumns{T, V}.SumExpMinusMax"/> or
/// <see cref="ShortRowTileColumns{T, V}.StoreExpMinusMax"/> (each returns one value per row in the lanes of a vector), modify the tile's
/// columns as needed (column j is the 8-float vector at tile + 8·j), and <see cref="StoreTransposed(float*, int, int, float*)"/> to write
/// the rows. The tile must hold <see cref="TileFloats"/> floats, best 32-byte aligned (<see cref="AlignTile"/>).</para>
/// </remarks>
internal static unsafe class SoftmaxShortRowTileAvx2
{
    /// <summary>Rows per group: one per lane.</summary>
    public const int Group = 8;
    /// <summary>Longest row this kernel takes (the tile holds Group × MaxCols floats).</summary>
    public const int MaxCols = 64;
    /// <summary>Floats in a tile buffer.</summary>
    public const int TileFloats = Group * MaxCols;
    /// <summary>Floats to stackalloc so that <see cref="AlignTile"/> can return an aligned tile.</summary>
    public const int TileBufferFloats = TileFloats + 8;

    /// <summary>The first 32-byte boundary in a buffer of <see cref="TileBufferFloats"/> floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float* AlignTile(float* buffer) => (float*)(((nint)buffer + 31) & ~(nint)31);

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
            LoadTransposed(x + offset, cols, n, tile);
            ShortRowTileColumns<Avx2Isa, Vector256<float>>.Softmax(tile, cols, log);
            if (cols >= Group) StoreTransposed(tile, cols, n, y + offset);
            else StoreTransposedPacked(tile, cols, n, y + offset);
        }
    }

    /// <summary>
    /// Rows shorter than 8 that follow each other in memory (stride = cols): the tile is transposed back into its own
    /// first 8·cols floats as packed rows (plain 8-float stores in row order, each one's spill into the next row
    /// overwritten by the next), and the rows·cols floats are copied to y with plain stores, a masked one for the tail
    /// of a final partial group: no vmaskmovps store per row (they are microcoded on AMD).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreTransposedPacked(float* tile, int cols, int rows, float* y)
    {
        Debug.Assert(cols < Group && rows is >= 1 and <= Group);
        Transpose8x8Avx2.StoreColumnsToRows(tile, tile, cols, Group); // reads the 8 columns before the first store
        int count = rows * cols, k = 0;
        for (; k <= count - 8; k += 8) Vector256.Load(tile + k).Store(y + k);
        if (k < count) Avx.MaskStore(y + k, TailMask.Of256(count - k), Vector256.Load(tile + k));
    }

    /// <summary>Reads <paramref name="rows"/> (≤ 8) rows of <paramref name="cols"/> at x into the column-major tile; lanes of absent rows are 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadTransposed(float* x, int cols, int rows, float* tile) => LoadTransposed(x, cols, cols, rows, tile);

    /// <summary>
    /// Reads <paramref name="rows"/> (≤ 8) rows of <paramref name="cols"/> floats, row stride <paramref name="stride"/>,
    /// into the column-major tile; lanes of absent rows are 0. Touches only the floats of those rows.
    /// </summary>
    /// <remarks>
    /// Rows of at least 8 are read with plain loads, 8 columns at a time; the last chunk starts at cols − 8 and overlaps
    /// the one before it, which fills the overlapping columns of the tile a second time with the same values. Shorter
    /// rows are read with masked loads of their length.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadTransposed(float* x, nint stride, int cols, int rows, float* tile)
    {
        Debug.Assert(rows is >= 1 and <= Group && cols is >= 1 and <= MaxCols && stride >= cols);
        if (cols >= Group)
        {
            int j0 = 0;
            for (; j0 < cols - Group; j0 += Group)
                Transpose8x8Avx2.LoadRowsToColumns(x + j0, stride, rows, tile + j0 * Group);
            j0 = cols - Group;
            Transpose8x8Avx2.LoadRowsToColumns(x + j0, stride, rows, tile + j0 * Group);
        }
        else Transpose8x8Avx2.LoadRowsToColumns(x, stride, rows, TailMask.Of256(cols), tile);
    }

    /// <summary>Writes the first <paramref name="cols"/> columns of the tile as <paramref name="rows"/> (≤ 8) rows at y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreTransposed(float* tile, int cols, int rows, float* y) => StoreTransposed(tile, cols, rows, y, cols);

    /// <summary>
    /// Writes the first <paramref name="cols"/> columns of the tile as <paramref name="rows"/> (≤ 8) rows at y, row
    /// stride <paramref name="stride"/>; writes only the floats of those rows.
    /// </summary>
    /// <remarks>
    /// As in <see cref="LoadTransposed(float*, nint, int, int, float*)"/>: rows of at least 8 are written with plain
    /// stores, the last chunk of 8 columns at cols − 8 writing the overlapping columns again with the same values;
    /// shorter rows with masked stores (vmaskmovps, slow on AMD: microcoded).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreTransposed(float* tile, int cols, int rows, float* y, nint stride)
    {
        Debug.Assert(rows is >= 1 and <= Group && cols is >= 1 and <= MaxCols && stride >= cols);
        if (cols >= Group)
        {
            int j0 = 0;
            for (; j0 < cols - Group; j0 += Group)
                Transpose8x8Avx2.StoreColumnsToRows(tile + j0 * Group, y + j0, stride, rows);
            j0 = cols - Group;
            Transpose8x8Avx2.StoreColumnsToRows(tile + j0 * Group, y + j0, stride, rows);
        }
        else Transpose8x8Avx2.StoreColumnsToRows(tile, y, stride, rows, TailMask.Of256(cols));
    }
}
