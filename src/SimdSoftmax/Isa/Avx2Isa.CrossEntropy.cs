using System.Runtime.Intrinsics;
using System.Runtime.CompilerServices;

namespace SimdSoftmax;

/// <summary>
/// Cross-entropy on AVX2: whole groups of 8 rows of 9…16 classes in ymm registers
/// (<see cref="CrossEntropyShortRowRegistersAvx2"/>, <see cref="Tuning.Avx2CrossEntropyShortRowRegisters"/>), of other
/// short rows through the transposed tile (<see cref="CrossEntropyShortRowTileAvx2"/>; both give the same bits), the rest per row.
/// </summary>
internal readonly unsafe partial struct Avx2Isa : ICrossEntropyIsa
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CrossEntropyShortRows(float* s, int* labels, int rows, int c, int ld, float* g, int ldg, float scale, ref double total)
    {
        if (c > Tuning.CrossEntropyShortRowMaxClasses) return 0;
        int r = rows / CrossEntropyShortRowTileAvx2.Group * CrossEntropyShortRowTileAvx2.Group;
        total = Tuning.Avx2CrossEntropyShortRowRegisters && c is >= CrossEntropyShortRowRegistersAvx2.MinClasses and <= CrossEntropyShortRowRegistersAvx2.MaxClasses
            ? CrossEntropyShortRowRegistersAvx2.Run(s, labels, r, c, ld, g, ldg, scale)
            : CrossEntropyShortRowTileAvx2.Run(s, labels, r, c, ld, g, ldg, scale);
        return r;
    }
}

internal readonly unsafe partial struct Avx2Isa : ICrossEntropyOptionsIsa<Vector256<float>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint EqualBits(Vector256<float> a, Vector256<float> b) =>
        Vector256.Equals(a, b).ExtractMostSignificantBits();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> EqualMask(Vector256<float> a, Vector256<float> b) => Vector256.Equals(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> GreaterMask(Vector256<float> a, Vector256<float> b) => Vector256.GreaterThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Select(Vector256<float> mask, Vector256<float> a, Vector256<float> b) => Vector256.ConditionalSelect(mask, a, b);

    /// <summary>The softmax tile's transposes: plain 8-float row loads from C = 8 on (the last chunk overlapping).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RowsToColumns(float* src, int c, float* tile, float* end) =>
        SoftmaxShortRowTileAvx2.LoadTransposed(src, c, c, SoftmaxShortRowTileAvx2.Group, tile);

    /// <summary>
    /// Plain stores, as the plain tile: 8-float row stores from C = 8 on, the packed store below. Per-row vmaskmovps
    /// stores (microcoded on AMD) measured 2.5–2.8× the plain kernel's time at C = 10 on 40 MB batches.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ColumnsToRows(float* tile, float* dst, int c)
    {
        if (c < SoftmaxShortRowTileAvx2.Group) SoftmaxShortRowTileAvx2.StoreTransposedPacked(tile, c, SoftmaxShortRowTileAvx2.Group, dst);
        else SoftmaxShortRowTileAvx2.StoreTransposed(tile, c, SoftmaxShortRowTileAvx2.Group, dst, c);
    }

    /// <summary>Whole groups of 8 rows of up to 16 classes through the options tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int OptionShortRows<TSmooth, TWeights, TArgmax>(float* s, int* y, int n, int c, float* g, float* losses, float* lse,
        int* argmax, in OptionRowConstants k, out double ce, out double z)
        where TSmooth : struct, ICompileTimeFlag where TWeights : struct, ICompileTimeFlag where TArgmax : struct, ICompileTimeFlag
    {
        ce = z = 0;
        if (c > CrossEntropyOptionsShortRows<Avx2Isa, Vector256<float>>.MaxClasses) return 0;
        ce = CrossEntropyOptionsShortRows<Avx2Isa, Vector256<float>>.Run<TSmooth, TWeights, TArgmax>(s, y, n, c, g, losses, lse, argmax, k, out z, out int done);
        return done;
    }
}
