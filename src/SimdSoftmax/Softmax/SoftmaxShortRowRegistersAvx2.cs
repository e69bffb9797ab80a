using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// Per ISA: AVX2's counterpart of <see cref="SoftmaxShortRowRegistersAvx512"/> for rows of 9…16 floats (the
/// classifier's C = 10), 8 rows per group held in ymm registers instead of the stack tile of
/// <see cref="SoftmaxShortRowTileAvx2"/>: two 8×8 transposes in registers (columns 0…7 and the 8 columns ending at the
/// row's end, of which only the columns past 7 are kept), max, exp, Σ and the scaling as vertical operations on the
/// cols column vectors, and two transposes back written as plain 8-float row stores (the second one rewrites the
/// overlapping columns with the same values). No masked load or store (vmaskmovps is microcoded on AMD), no tile
/// round trip through memory. The arithmetic (order of the max, the two partial sums, 1/Σ then multiply,
/// (x − max) − log Σ) is the tile kernel's, so results are bitwise the same.
/// </summary>
/// <remarks>
/// Whole groups of 8 rows only: the caller sends the last rows·cols mod 8 rows to the tile kernel. The row length is
/// a JIT constant (<see cref="ICompileTimeCount"/>), so the columns past the row are dead code.
/// </remarks>
internal static unsafe class SoftmaxShortRowRegistersAvx2
{
    /// <summary>Rows per group: one per lane.</summary>
    public const int Group = 8;
    /// <summary>Shortest row this kernel takes (it loads 8 whole floats from a row's start and end).</summary>
    public const int MinCols = 9;
    /// <summary>Longest row this kernel takes.</summary>
    public const int MaxCols = 16;

    /// <summary>
    /// Softmax (or log-softmax) of the rows of <paramref name="cols"/> floats in the whole groups of 8 among the first
    /// <paramref name="rows"/>; returns the number of rows done (a multiple of 8). y may be x.
    /// </summary>
    public static int Rows(float* x, float* y, int rows, int cols, bool log)
    {
        int full = rows / Group * Group;
        switch (cols)
        {
            case 9: Groups<Count9>(x, y, full, log); break;
            case 10: Groups<Count10>(x, y, full, log); break;
            case 11: Groups<Count11>(x, y, full, log); break;
            case 12: Groups<Count12>(x, y, full, log); break;
            case 13: Groups<Count13>(x, y, full, log); break;
            case 14: Groups<Count14>(x, y, full, log); break;
            case 15: Groups<Count15>(x, y, full, log); break;
            case 16: Groups<Count16>(x, y, full, log); break;
            default: throw new UnreachableException();
        }
        return full;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Groups<TCols>(float* x, float* y, int rows, bool log) where TCols : struct, ICompileTimeCount
    {
        if (log) Groups<TCols, FlagOn>(x, y, rows);
        else Groups<TCols, FlagOff>(x, y, rows);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Groups<TCols, TLog>(float* px, float* py, int rows)
        where TCols : struct, ICompileTimeCount where TLog : struct, ICompileTimeFlag
    {
        int cols = TCols.Value;
        bool log = TLog.Value;
        Debug.Assert(cols is >= MinCols and <= MaxCols && rows % Group == 0);
        nint ld = cols, tail = cols - 8;
        for (int g = 0; g < rows; g += Group)
        {
            float* x = px + (nint)g * ld, y = py + (nint)g * ld;
            // Columns 0…7.
            Transpose8x8Avx2.InRegisters(Vector256.Load(x), Vector256.Load(x + ld), Vector256.Load(x + 2 * ld), Vector256.Load(x + 3 * ld),
                Vector256.Load(x + 4 * ld), Vector256.Load(x + 5 * ld), Vector256.Load(x + 6 * ld), Vector256.Load(x + 7 * ld),
                out Vector256<float> t0, out Vector256<float> t1, out Vector256<float> t2, out Vector256<float> t3,
                out Vector256<float> t4, out Vector256<float> t5, out Vector256<float> t6, out Vector256<float> t7);
            // Columns cols − 8 … cols − 1; column k of this chunk is column k + cols − 8, and only those past 7 are kept.
            Transpose8x8Avx2.InRegisters(Vector256.Load(x + tail), Vector256.Load(x + ld + tail), Vector256.Load(x + 2 * ld + tail), Vector256.Load(x + 3 * ld + tail),
                Vector256.Load(x + 4 * ld + tail), Vector256.Load(x + 5 * ld + tail), Vector256.Load(x + 6 * ld + tail), Vector256.Load(x + 7 * ld + tail),
                out Vector256<float> c0, out Vector256<float> c1, out Vector256<float> c2, out Vector256<float> c3,
                out Vector256<float> c4, out Vector256<float> c5, out Vector256<float> c6, out Vector256<float> c7);
            Vector256<float> t8 = Column(8, cols, c0, c1, c2, c3, c4, c5, c6, c7);
            Vector256<float> t9 = Column(9, cols, c0, c1, c2, c3, c4, c5, c6, c7);
            Vector256<float> t10 = Column(10, cols, c0, c1, c2, c3, c4, c5, c6, c7);
            Vector256<float> t11 = Column(11, cols, c0, c1, c2, c3, c4, c5, c6, c7);
            Vector256<float> t12 = Column(12, cols, c0, c1, c2, c3, c4, c5, c6, c7);
            Vector256<float> t13 = Column(13, cols, c0, c1, c2, c3, c4, c5, c6, c7);
            Vector256<float> t14 = Column(14, cols, c0, c1, c2, c3, c4, c5, c6, c7);
            Vector256<float> t15 = Column(15, cols, c0, c1, c2, c3, c4, c5, c6, c7);

            // Max: even columns into m0, odd into m1, as ShortRowTileColumns.ColumnMax.
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
            Vector256<float> max = Avx.Max(m0, m1);

            // Σ exp(x − max): even columns into s0, odd into s1, as ShortRowTileColumns.ExpMinusMax (0 + e = e).
            Vector256<float> e0 = ExpRr2P5.Exp(t0 - max), e1 = ExpRr2P5.Exp(t1 - max);
            Vector256<float> s0 = e0, s1 = e1;
            Vector256<float> e2 = ExpRr2P5.Exp(t2 - max); s0 += e2;
            Vector256<float> e3 = ExpRr2P5.Exp(t3 - max); s1 += e3;
            Vector256<float> e4 = ExpRr2P5.Exp(t4 - max); s0 += e4;
            Vector256<float> e5 = ExpRr2P5.Exp(t5 - max); s1 += e5;
            Vector256<float> e6 = ExpRr2P5.Exp(t6 - max); s0 += e6;
            Vector256<float> e7 = ExpRr2P5.Exp(t7 - max); s1 += e7;
            Vector256<float> e8 = ExpRr2P5.Exp(t8 - max); s0 += e8;
            Vector256<float> e9 = default, e10 = default, e11 = default, e12 = default, e13 = default, e14 = default, e15 = default;
            if (cols > 9) { e9 = ExpRr2P5.Exp(t9 - max); s1 += e9; }
            if (cols > 10) { e10 = ExpRr2P5.Exp(t10 - max); s0 += e10; }
            if (cols > 11) { e11 = ExpRr2P5.Exp(t11 - max); s1 += e11; }
            if (cols > 12) { e12 = ExpRr2P5.Exp(t12 - max); s0 += e12; }
            if (cols > 13) { e13 = ExpRr2P5.Exp(t13 - max); s1 += e13; }
            if (cols > 14) { e14 = ExpRr2P5.Exp(t14 - max); s0 += e14; }
            if (cols > 15) { e15 = ExpRr2P5.Exp(t15 - max); s1 += e15; }
            Vector256<float> sum = s0 + s1;

            // Softmax: e · (1/Σ); log-softmax: (x − max) − log Σ.
            Vector256<float> a, b;
            if (log) { a = max; b = LogAtanhSeries.Log(sum); }
            else { a = Vector256<float>.One / sum; b = default; }
            Vector256<float> o0 = Finish(log, t0, e0, a, b), o1 = Finish(log, t1, e1, a, b), o2 = Finish(log, t2, e2, a, b), o3 = Finish(log, t3, e3, a, b);
            Vector256<float> o4 = Finish(log, t4, e4, a, b), o5 = Finish(log, t5, e5, a, b), o6 = Finish(log, t6, e6, a, b), o7 = Finish(log, t7, e7, a, b);
            Vector256<float> o8 = Finish(log, t8, e8, a, b), o9 = cols > 9 ? Finish(log, t9, e9, a, b) : default;
            Vector256<float> o10 = cols > 10 ? Finish(log, t10, e10, a, b) : default, o11 = cols > 11 ? Finish(log, t11, e11, a, b) : default;
            Vector256<float> o12 = cols > 12 ? Finish(log, t12, e12, a, b) : default, o13 = cols > 13 ? Finish(log, t13, e13, a, b) : default;
            Vector256<float> o14 = cols > 14 ? Finish(log, t14, e14, a, b) : default, o15 = cols > 15 ? Finish(log, t15, e15, a, b) : default;

            // Back to rows: columns 0…7, then the 8 columns ending at the row's end (those below 8 written again, same values).
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
    }

    /// <summary>Softmax: e·a (a = 1/Σ); log-softmax: (x − a) − b (a = max, b = log Σ).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Finish(bool log, Vector256<float> x, Vector256<float> e, Vector256<float> a, Vector256<float> b) =>
        log ? (x - a) - b : e * a;

    /// <summary>Column j (≥ 8) of the row from the second chunk, whose column k is column k + cols − 8; zero past the row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Column(int j, int cols, Vector256<float> c0, Vector256<float> c1, Vector256<float> c2, Vector256<float> c3,
        Vector256<float> c4, Vector256<float> c5, Vector256<float> c6, Vector256<float> c7) =>
        (j - cols + 8) switch { 0 => c0, 1 => c1, 2 => c2, 3 => c3, 4 => c4, 5 => c5, 6 => c6, 7 => c7, _ => default };

    /// <summary>Output column k + cols − 8 (the second chunk's column k).</summary>
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
