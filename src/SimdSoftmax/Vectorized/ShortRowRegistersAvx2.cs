using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// Per ISA: the load, column max and store of the AVX2 register kernels for rows of 9…16 floats
/// (<see cref="SoftmaxShortRowRegistersAvx2"/>, <see cref="CrossEntropyShortRowRegistersAvx2"/>), 8 rows at a time held
/// as 16 column vectors. Each row is read and written as two plain 8-float pieces, at 0 and at cols − 8, through two
/// 8×8 transposes in registers; nothing past a row is touched, and nothing goes through a stack tile.
/// </summary>
internal static unsafe class ShortRowRegistersAvx2
{
    /// <summary>
    /// t_j[r] = x[r·ld + j] for r &lt; 8 and j &lt; <paramref name="cols"/> (9…16); t_j = 0 for j ≥ cols. Of the second
    /// piece (columns cols − 8 … cols − 1) only the columns past 7 are kept.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadColumns(float* x, nint ld, int cols,
        out Vector256<float> t0, out Vector256<float> t1, out Vector256<float> t2, out Vector256<float> t3,
        out Vector256<float> t4, out Vector256<float> t5, out Vector256<float> t6, out Vector256<float> t7,
        out Vector256<float> t8, out Vector256<float> t9, out Vector256<float> t10, out Vector256<float> t11,
        out Vector256<float> t12, out Vector256<float> t13, out Vector256<float> t14, out Vector256<float> t15)
    {
        nint tail = cols - 8;
        Transpose8x8Avx2.InRegisters(Vector256.Load(x), Vector256.Load(x + ld), Vector256.Load(x + 2 * ld), Vector256.Load(x + 3 * ld),
            Vector256.Load(x + 4 * ld), Vector256.Load(x + 5 * ld), Vector256.Load(x + 6 * ld), Vector256.Load(x + 7 * ld),
            out t0, out t1, out t2, out t3, out t4, out t5, out t6, out t7);
        Transpose8x8Avx2.InRegisters(Vector256.Load(x + tail), Vector256.Load(x + ld + tail), Vector256.Load(x + 2 * ld + tail), Vector256.Load(x + 3 * ld + tail),
            Vector256.Load(x + 4 * ld + tail), Vector256.Load(x + 5 * ld + tail), Vector256.Load(x + 6 * ld + tail), Vector256.Load(x + 7 * ld + tail),
            out Vector256<float> c0, out Vector256<float> c1, out Vector256<float> c2, out Vector256<float> c3,
            out Vector256<float> c4, out Vector256<float> c5, out Vector256<float> c6, out Vector256<float> c7);
        t8 = Column(8, cols, c0, c1, c2, c3, c4, c5, c6, c7);
        t9 = Column(9, cols, c0, c1, c2, c3, c4, c5, c6, c7);
        t10 = Column(10, cols, c0, c1, c2, c3, c4, c5, c6, c7);
        t11 = Column(11, cols, c0, c1, c2, c3, c4, c5, c6, c7);
        t12 = Column(12, cols, c0, c1, c2, c3, c4, c5, c6, c7);
        t13 = Column(13, cols, c0, c1, c2, c3, c4, c5, c6, c7);
        t14 = Column(14, cols, c0, c1, c2, c3, c4, c5, c6, c7);
        t15 = Column(15, cols, c0, c1, c2, c3, c4, c5, c6, c7);
    }

    /// <summary>The row maxima: even columns into one accumulator, odd into another, as <c>ShortRowTileColumns.ColumnMax</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ColumnMax(int cols, Vector256<float> t0, Vector256<float> t1, Vector256<float> t2, Vector256<float> t3,
        Vector256<float> t4, Vector256<float> t5, Vector256<float> t6, Vector256<float> t7, Vector256<float> t8, Vector256<float> t9,
        Vector256<float> t10, Vector256<float> t11, Vector256<float> t12, Vector256<float> t13, Vector256<float> t14, Vector256<float> t15)
    {
        Vector256<float> m0 = Avx.Max(t0, Vector256.Create(float.NegativeInfinity)), m1 = Avx.Max(t1, Vector256.Create(float.NegativeInfinity));
        m0 = Avx.Max(t2, m0); m1 = Avx.Max(t3, m1);
        m0 = Avx.Max(t4, m0); m1 = Avx.Max(t5, m1);
        m0 = Avx.Max(t6, m0); m1 = Avx.Max(t7, m1);
        m0 = Avx.Max(t8, m0);
        if (cols > 9) m1 = Avx.Max(t9, m1);
        if (cols > 10) m0 = Avx.Max(t10, m0);
        if (cols > 11) m1 = Avx.Max(t11, m1);
        if (cols > 12) m0 = Avx.Max(t12, m0);
        if (cols > 13) m1 = Avx.Max(t13, m1);
        if (cols > 14) m0 = Avx.Max(t14, m0);
        if (cols > 15) m1 = Avx.Max(t15, m1);
        return Avx.Max(m0, m1);
    }

    /// <summary>
    /// y[r·ld + j] = o_j[r] for r &lt; 8 and j &lt; <paramref name="cols"/>: columns 0…7, then the 8 columns ending at the
    /// row's end (those below 8 written again with the same values).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreColumns(float* y, nint ld, int cols, Vector256<float> o0, Vector256<float> o1, Vector256<float> o2, Vector256<float> o3,
        Vector256<float> o4, Vector256<float> o5, Vector256<float> o6, Vector256<float> o7, Vector256<float> o8, Vector256<float> o9,
        Vector256<float> o10, Vector256<float> o11, Vector256<float> o12, Vector256<float> o13, Vector256<float> o14, Vector256<float> o15)
    {
        nint tail = cols - 8;
        Transpose8x8Avx2.InRegisters(o0, o1, o2, o3, o4, o5, o6, o7,
            out Vector256<float> r0, out Vector256<float> r1, out Vector256<float> r2, out Vector256<float> r3,
            out Vector256<float> r4, out Vector256<float> r5, out Vector256<float> r6, out Vector256<float> r7);
        r0.Store(y); r1.Store(y + ld); r2.Store(y + 2 * ld); r3.Store(y + 3 * ld);
        r4.Store(y + 4 * ld); r5.Store(y + 5 * ld); r6.Store(y + 6 * ld); r7.Store(y + 7 * ld);
        Transpose8x8Avx2.InRegisters(Pick(cols, 0, o0, o1, o2, o3, o4, o5, o6, o7, o8, o9, o10, o11, o12, o13, o14, o15),
            Pick(cols, 1, o0, o1, o2, o3, o4, o5, o6, o7, o8, o9, o10, o11, o12, o13, o14, o15),
            Pick(cols, 2, o0, o1, o2, o3, o4, o5, o6, o7, o8, o9, o10, o11, o12, o13, o14, o15),
            Pick(cols, 3, o0, o1, o2, o3, o4, o5, o6, o7, o8, o9, o10, o11, o12, o13, o14, o15),
            Pick(cols, 4, o0, o1, o2, o3, o4, o5, o6, o7, o8, o9, o10, o11, o12, o13, o14, o15),
            Pick(cols, 5, o0, o1, o2, o3, o4, o5, o6, o7, o8, o9, o10, o11, o12, o13, o14, o15),
            Pick(cols, 6, o0, o1, o2, o3, o4, o5, o6, o7, o8, o9, o10, o11, o12, o13, o14, o15),
            Pick(cols, 7, o0, o1, o2, o3, o4, o5, o6, o7, o8, o9, o10, o11, o12, o13, o14, o15),
            out r0, out r1, out r2, out r3, out r4, out r5, out r6, out r7);
        r0.Store(y + tail); r1.Store(y + ld + tail); r2.Store(y + 2 * ld + tail); r3.Store(y + 3 * ld + tail);
        r4.Store(y + 4 * ld + tail); r5.Store(y + 5 * ld + tail); r6.Store(y + 6 * ld + tail); r7.Store(y + 7 * ld + tail);
    }

    /// <summary>Column j (≥ 8) of the row from the second piece, whose column k is column k + cols − 8; zero past the row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Column(int j, int cols, Vector256<float> c0, Vector256<float> c1, Vector256<float> c2, Vector256<float> c3,
        Vector256<float> c4, Vector256<float> c5, Vector256<float> c6, Vector256<float> c7) =>
        (j - cols + 8) switch { 0 => c0, 1 => c1, 2 => c2, 3 => c3, 4 => c4, 5 => c5, 6 => c6, 7 => c7, _ => default };

    /// <summary>Output column k + cols − 8 (the second piece's column k).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Pick(int cols, int k, Vector256<float> o0, Vector256<float> o1, Vector256<float> o2, Vector256<float> o3,
        Vector256<float> o4, Vector256<float> o5, Vector256<float> o6, Vector256<float> o7, Vector256<float> o8, Vector256<float> o9,
        Vector256<float> o10, Vector256<float> o11, Vector256<float> o12, Vector256<float> o13, Vector256<float> o14, Vector256<float> o15) =>
        (k + cols - 8) switch
        {
            0 => o0, 1 => o1, 2 => o2, 3 => o3, 4 => o4, 5 => o5, 6 => o6, 7 => o7,
            8 => o8, 9 => o9, 10 => o10, 11 => o11, 12 => o12, 13 => o13, 14 => o14, _ => o15,
        };
}
