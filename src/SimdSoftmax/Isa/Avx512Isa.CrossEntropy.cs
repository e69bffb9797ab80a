using System.Runtime.Intrinsics;
using System.Runtime.CompilerServices;

namespace SimdSoftmax;

/// <summary>
/// Cross-entropy on AVX-512: rows of at most 16 classes, all of them, sixteen at a time in zmm registers
/// (<see cref="CrossEntropyShortRowRegistersAvx512"/>); 17..64 classes through the 8-row AVX2 tile
/// (<see cref="CrossEntropyShortRowTileAvx2"/>), deliberately 256-bit: a 16-row variant through a stack tile on
/// <see cref="Transpose16x16Avx512"/> measured about 2× slower than it (Zen 4, softmax-sweep short, 64 KB batches),
/// and against the per-row kernel the AVX2 tile measured up to 2× faster at 17..64 (rows of 17: 0.42 → 0.96 G el/s).
/// </summary>
internal readonly unsafe partial struct Avx512Isa : ICrossEntropyIsa
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CrossEntropyShortRows(float* s, int* labels, int rows, int c, int ld, float* g, int ldg, float scale, ref double total)
    {
        if (c <= CrossEntropyShortRowRegistersAvx512.MaxClasses)
        {
            total = CrossEntropyShortRowRegistersAvx512.Run(s, labels, rows, c, ld, g, ldg, scale);
            return rows;
        }
        return Avx2Isa.CrossEntropyShortRows(s, labels, rows, c, ld, g, ldg, scale, ref total);
    }
}

internal readonly unsafe partial struct Avx512Isa : ICrossEntropyOptionsIsa<Vector512<float>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint EqualBits(Vector512<float> a, Vector512<float> b) =>
        (uint)Vector512.Equals(a, b).ExtractMostSignificantBits();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> EqualMask(Vector512<float> a, Vector512<float> b) => Vector512.Equals(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> GreaterMask(Vector512<float> a, Vector512<float> b) => Vector512.GreaterThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Select(Vector512<float> mask, Vector512<float> a, Vector512<float> b) => Vector512.ConditionalSelect(mask, a, b);

    /// <summary>One or two 16×16 transposes, k-masked to the row length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RowsToColumns(float* src, int c, float* tile, float* end)
    {
        Transpose16x16Avx512.LoadRowsToColumns(src, c, 16, TailMask(Math.Min(16, c)), tile, end);
        if (c > 16) Transpose16x16Avx512.LoadRowsToColumns(src + 16, c, 16, TailMask(c - 16), tile + 256, end);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ColumnsToRows(float* tile, float* dst, int c)
    {
        Transpose16x16Avx512.StoreColumnsToRows(tile, dst, c, 16, TailMask(Math.Min(16, c)));
        if (c > 16) Transpose16x16Avx512.StoreColumnsToRows(tile + 256, dst + 16, c, 16, TailMask(c - 16));
    }

    /// <summary>
    /// Rows of up to 16 classes without z-loss: every row in the plain kernel's registers
    /// (<see cref="CrossEntropyShortRowRegistersAvx512.RunOptions{TSmooth, TWeights, TArgmax}"/>; the options tile measured
    /// 1.9–2.2× the plain time at C = 10 with weights, ε and ignored rows); otherwise whole groups of 16 rows of up to 32
    /// classes through the options tile.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int OptionShortRows<TSmooth, TWeights, TArgmax>(float* s, int* y, int n, int c, float* g, float* losses, float* lse,
        int* argmax, in OptionRowConstants k, out double ce, out double z)
        where TSmooth : struct, ICompileTimeFlag where TWeights : struct, ICompileTimeFlag where TArgmax : struct, ICompileTimeFlag
    {
        ce = z = 0;
        if (c <= CrossEntropyShortRowRegistersAvx512.MaxClasses && k.ZLoss == 0)
        {
            ce = CrossEntropyShortRowRegistersAvx512.RunOptions<TSmooth, TWeights, TArgmax>(s, y, n, c, g, losses, lse, argmax, k);
            return n;
        }
        if (c > CrossEntropyOptionsShortRows<Avx512Isa, Vector512<float>>.MaxClasses) return 0;
        ce = CrossEntropyOptionsShortRows<Avx512Isa, Vector512<float>>.Run<TSmooth, TWeights, TArgmax>(s, y, n, c, g, losses, lse, argmax, k, out z, out int done);
        return done;
    }
}
